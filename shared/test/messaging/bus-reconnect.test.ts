import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import amqp from 'amqplib';
import { BrokerUnavailableError, createBus, createEnvelope, type Bus } from '../../src/messaging/index.js';
import { TestBroker, closeConnectionsFromBroker } from '../support/broker.js';
import { collect, openTestBus } from '../support/bus.js';
import { AMQP_URL, uniqueName } from '../support/env.js';
import { captureLogger, quietLogger } from '../support/logger.js';
import { ORDER_PLACED, createTestSchemas } from '../support/schemas.js';
import { waitFor } from '../support/wait.js';

const order = () => createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });

describe('bus connection', () => {
  const fixture = createTestSchemas();
  let broker: TestBroker;
  let bus: Bus | undefined;

  beforeEach(() => {
    broker = new TestBroker();
  });
  afterEach(async () => {
    await bus?.close();
    bus = undefined;
    await broker.cleanup();
  });
  after(() => fixture.remove());

  it('when the broker closes the connection, then the bus reconnects, re-declares its topology and the consumer resumes', async function () {
    this.timeout(20_000);
    const service = uniqueName('kit-reconnect');
    const { logger, lines } = captureLogger('info');
    bus = await openTestBus(broker, { schemas: fixture.schemas, service, logger });
    const received = await collect(bus, broker, [ORDER_PLACED]);
    await bus.publish(order());
    await waitFor('the first message', () => received.length === 1);

    expect(await closeConnectionsFromBroker(service)).to.equal(1);
    await waitFor('the disconnect to be noticed', () => lines.some((l) => l.message === 'lost the message broker connection; reconnecting'), 10_000);
    await waitFor('the reconnection', () => bus!.isConnected(), 10_000);

    const after = order();
    await bus.publish(after);
    await waitFor('a message after the reconnection', () => received.some((e) => e.messageId === after.messageId), 10_000);
    expect(received).to.have.length(2);
  });

  it('when a consumer queue is deleted under it, then the consumer declares it again and resumes', async function () {
    this.timeout(10_000);
    bus = await openTestBus(broker, { schemas: fixture.schemas });
    const received = await collect(bus, broker, [ORDER_PLACED]);
    const [queue] = broker.trackedQueues();
    await broker.deleteQueue(queue!);

    await waitFor('the queue declared again', async () => (await broker.depth(queue!).catch(() => -1)) === 0, 5_000, 100);
    const message = order();
    await bus.publish(message);
    await waitFor('the message', () => received.some((e) => e.messageId === message.messageId), 5_000);
  });

  it('when consume() is called while the connection is still being set up, then the consumer starts all the same', async () => {
    // Set-up opens a channel to declare the exchange, starts the consumers it knows of, then opens
    // one more to check the connection before the bus counts as connected. A consume() landing in
    // that last step once found no consumer loop left and no connection yet, so it never started.
    // amqplib's createChannel is wrapped (not the broker) to call consume() exactly there.
    const queue = broker.track(uniqueName('test.race'));
    const probe = await amqp.connect(AMQP_URL);
    const prototype = Object.getPrototypeOf(probe) as { createChannel: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = prototype.createChannel;
    let calls = 0;
    let consuming: Promise<unknown> | undefined;
    prototype.createChannel = function (this: unknown, ...args: unknown[]) {
      calls += 1;
      if (calls === 2) consuming = bus!.consume({ queue, bindings: [ORDER_PLACED], handle: async () => undefined });
      return original.apply(this, args);
    };
    try {
      bus = createBus({ url: AMQP_URL, service: 'kit-test', logger: quietLogger(), schemas: fixture.schemas, exchange: broker.trackExchange(uniqueName('test.events')) });
      await bus.waitForConnection(5_000);
    } finally {
      prototype.createChannel = original;
    }
    expect(calls, 'the set-up opens two plain channels').to.equal(2);
    await consuming;
    await waitFor('a consumer on the queue', async () => (await broker.consumers(queue).catch(() => 0)) === 1, 5_000, 100);
  });

  it('when the broker is unreachable, then the bus is not ready, publish fails fast, and close still works', async () => {
    bus = createBus({ url: 'amqp://guest:guest@127.0.0.1:1/none', service: 'kit-test', logger: quietLogger(), schemas: fixture.schemas, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } });
    expect(bus.isConnected()).to.equal(false);
    const error = await bus.publish(order()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BrokerUnavailableError);
    expect(await bus.waitForConnection(200).catch((e: unknown) => e)).to.be.instanceOf(BrokerUnavailableError);
  });
});
