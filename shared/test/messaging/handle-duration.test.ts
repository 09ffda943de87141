import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createEnvelope, queueNames, type Bus } from '../../src/messaging/index.js';
import { TestBroker } from '../support/broker.js';
import { FAST_RETRIES_MS, openTestBus } from '../support/bus.js';
import { uniqueName } from '../support/env.js';
import { sampleOf } from '../support/metrics.js';
import { ORDER_PLACED, createTestSchemas } from '../support/schemas.js';
import { sleep, waitFor } from '../support/wait.js';

describe('consumers: messaging_handle_duration_seconds', () => {
  const fixture = createTestSchemas();
  let broker: TestBroker;
  let bus: Bus;
  let registry: Registry;
  const sample = async (name: string, labels: Record<string, string>) => sampleOf(await registry.metrics(), name, labels) ?? 0;

  beforeEach(async () => {
    broker = new TestBroker();
    registry = new Registry();
    bus = await openTestBus(broker, { schemas: fixture.schemas, registry });
  });
  afterEach(async () => {
    await bus.close();
    await broker.cleanup();
  });
  after(() => fixture.remove());

  it('when a handler takes 300 ms, then one observation by type and queue lands between the 250 ms and 500 ms buckets', async () => {
    const queue = broker.track(uniqueName('test.duration'), FAST_RETRIES_MS.length);
    let handled = 0;
    await bus.consume({
      queue,
      bindings: [ORDER_PLACED],
      handle: async () => {
        await sleep(300);
        handled += 1;
      },
    });
    await bus.publish(createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } }));
    await waitFor('the message handled', () => handled === 1);
    await waitFor('the observation', async () => (await sample('messaging_handle_duration_seconds_count', { type: ORDER_PLACED, queue })) === 1);

    const labels = { type: ORDER_PLACED, queue };
    expect(await sample('messaging_handle_duration_seconds_bucket', { ...labels, le: '0.25' })).to.equal(0);
    expect(await sample('messaging_handle_duration_seconds_bucket', { ...labels, le: '0.5' })).to.equal(1);
    // Node's timers may fire a hair before 300 ms by the high-resolution clock (0.29999 s was seen).
    expect(await sample('messaging_handle_duration_seconds_sum', labels)).to.be.within(0.29, 0.5);
  });

  it('when a handler fails, then every attempt is timed too', async () => {
    const queue = broker.track(uniqueName('test.duration-fail'), FAST_RETRIES_MS.length);
    await bus.consume({ queue, bindings: [ORDER_PLACED], handle: () => Promise.reject(new Error('nope')) });
    await bus.publish(createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } }));
    await waitFor('the message in the DLQ', async () => (await broker.depth(queueNames(queue).dlq)) === 1);

    expect(await sample('messaging_handle_duration_seconds_count', { type: ORDER_PLACED, queue })).to.equal(FAST_RETRIES_MS.length + 1);
  });
});
