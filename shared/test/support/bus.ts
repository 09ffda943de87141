import { createBus, type Bus, type BusOptions, type Envelope } from '../../src/messaging/index.js';
import { AMQP_URL, uniqueName } from './env.js';
import { quietLogger } from './logger.js';
import type { TestBroker } from './broker.js';

/** Fast retries and reconnects so the tests take milliseconds, not minutes. */
export const FAST_RETRIES_MS = [50, 100];

/** A connected bus on the test vhost with its own exchange (deleted by the broker's clean-up). */
export async function openTestBus(broker: TestBroker, options: Partial<BusOptions> & Pick<BusOptions, 'schemas'>): Promise<Bus> {
  const bus = createBus({
    url: AMQP_URL,
    service: 'kit-test',
    logger: quietLogger(),
    exchange: broker.trackExchange(uniqueName('test.events')),
    retryDelaysMs: FAST_RETRIES_MS,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  });
  await bus.waitForConnection(5_000);
  return bus;
}

/** Consumes `types` from a fresh queue into an array. */
export async function collect(bus: Bus, broker: TestBroker, types: string[]): Promise<Envelope[]> {
  const received: Envelope[] = [];
  await bus.consume({
    queue: broker.track(uniqueName('test.collect'), FAST_RETRIES_MS.length),
    bindings: types,
    handle: async (envelope) => {
      received.push(envelope);
    },
  });
  return received;
}

/** The same bus with some operations overridden, to inject broker faults the real broker won't produce on demand. */
export function withFaults(bus: Bus, faults: Partial<Pick<Bus, 'publish' | 'isConnected'>>): Bus {
  return {
    exchange: bus.exchange,
    publish: faults.publish ?? ((envelope) => bus.publish(envelope)),
    isConnected: faults.isConnected ?? (() => bus.isConnected()),
    consume: (options) => bus.consume(options),
    replayDeadLetters: (queue, limit) => bus.replayDeadLetters(queue, limit),
    waitForConnection: (ms) => bus.waitForConnection(ms),
    close: () => bus.close(),
  };
}
