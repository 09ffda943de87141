import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import {
  MESSAGE_HEADERS,
  createEnvelope,
  currentMessage,
  queueNames,
  type Bus,
  type Envelope,
} from '../../src/messaging/index.js';
import { TestBroker } from '../support/broker.js';
import { FAST_RETRIES_MS, openTestBus } from '../support/bus.js';
import { uniqueName } from '../support/env.js';
import { captureLogger } from '../support/logger.js';
import { sampleOf } from '../support/metrics.js';
import { ORDER_PLACED, createTestSchemas } from '../support/schemas.js';
import { sleep, waitFor } from '../support/wait.js';

const order = (amount = 1) => createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount } });

async function metric(registry: Registry, name: string): Promise<number> {
  const json = await registry.getSingleMetric(name)?.get();
  return (json?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

describe('consumers: retries, dead letters, poison, context', () => {
  const fixture = createTestSchemas();
  let broker: TestBroker;
  let bus: Bus;
  let registry: Registry;

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

  it('when a handler keeps failing, then it is retried with a growing attempt, parked in the DLQ, and a replay brings it back to a handler that now succeeds', async () => {
    const queue = broker.track(uniqueName('test.retry'), FAST_RETRIES_MS.length);
    const attempts: number[] = [];
    const handled: Envelope[] = [];
    let failing = true;
    await bus.consume({
      queue,
      bindings: [ORDER_PLACED],
      handle: async (envelope) => {
        attempts.push(currentMessage()!.attempt);
        if (failing) throw new Error('payment provider down');
        handled.push(envelope);
      },
    });
    const sent = order();
    await bus.publish(sent);

    await waitFor('the message in the DLQ', async () => (await broker.depth(queueNames(queue).dlq)) === 1);
    expect(attempts).to.deep.equal([1, 2, 3]);
    const parked = await broker.peek(queueNames(queue).dlq);
    expect(parked && parked.properties.headers).to.include({
      [MESSAGE_HEADERS.reason]: 'retries-exhausted',
      [MESSAGE_HEADERS.error]: 'payment provider down',
      [MESSAGE_HEADERS.errorName]: 'Error',
      [MESSAGE_HEADERS.attempt]: 3,
      [MESSAGE_HEADERS.originalQueue]: queue,
    });
    expect(await broker.depth(queue)).to.equal(0);
    expect(await metric(registry, 'messaging_retried_total')).to.equal(2);
    expect(await metric(registry, 'messaging_dead_lettered_total')).to.equal(1);

    failing = false;
    expect(await bus.replayDeadLetters(queue)).to.equal(1);
    await waitFor('the replayed message handled', () => handled.length === 1);
    expect(handled[0]).to.deep.equal(sent);
    expect(attempts).to.deep.equal([1, 2, 3, 1]);
    expect(await broker.depth(queueNames(queue).dlq)).to.equal(0);
    expect(await metric(registry, 'messaging_consumed_total')).to.equal(1);
    expect(await metric(registry, 'messaging_published_total')).to.equal(1);
  });

  it('when a replay is limited, then only that many dead letters move back to the main queue', async () => {
    const queue = broker.track(uniqueName('test.replay'), FAST_RETRIES_MS.length);
    const consumer = await bus.consume({ queue, bindings: [ORDER_PLACED], retryDelaysMs: [], handle: () => Promise.reject(new Error('nope')) });
    await Promise.all([bus.publish(order()), bus.publish(order()), bus.publish(order())]);
    await waitFor('three dead letters', async () => (await broker.depth(queueNames(queue).dlq)) === 3);
    await consumer.stop();

    expect(await bus.replayDeadLetters(queue, 2)).to.equal(2);
    expect(await broker.depth(queue)).to.equal(2);
    expect(await broker.depth(queueNames(queue).dlq)).to.equal(1);
    const replayed = await broker.peek(queue);
    expect(replayed && replayed.properties.headers).to.include({ [MESSAGE_HEADERS.attempt]: 1, [MESSAGE_HEADERS.replays]: 1 });
    expect(replayed && replayed.properties.headers).not.to.have.property(MESSAGE_HEADERS.error);
  });

  it('when a message is not JSON or breaks its schema, then it goes straight to the DLQ and the next message is still handled', async () => {
    const queue = broker.track(uniqueName('test.poison'), FAST_RETRIES_MS.length);
    const handled: Envelope[] = [];
    await bus.consume({ queue, bindings: [ORDER_PLACED], prefetch: 1, handle: async (envelope) => void handled.push(envelope) });

    await broker.publishRaw(bus.exchange, ORDER_PLACED, '{"this is": not json');
    await broker.publishRaw(bus.exchange, ORDER_PLACED, JSON.stringify(order(-5)));
    const valid = order(7);
    await bus.publish(valid);

    await waitFor('the valid message', () => handled.length === 1);
    expect(handled[0]!.messageId).to.equal(valid.messageId);
    await waitFor('two poison messages parked', async () => (await broker.depth(queueNames(queue).dlq)) === 2);
    const parked = await broker.drain(queueNames(queue).dlq);
    expect(parked.map((m) => m.properties.headers?.[MESSAGE_HEADERS.reason])).to.deep.equal(['poison', 'poison']);
    expect(String(parked[0]!.properties.headers?.[MESSAGE_HEADERS.error])).to.include('not JSON');
    expect(String(parked[1]!.properties.headers?.[MESSAGE_HEADERS.error])).to.include('/data/amount');
    expect(await metric(registry, 'messaging_retried_total')).to.equal(0);
  });

  it('when a handler runs, then its log lines carry the message trace and correlation ids and new messages are caused by it', async () => {
    const { logger, lines } = captureLogger();
    await bus.close();
    bus = await openTestBus(broker, { schemas: fixture.schemas, logger });
    let produced: Envelope | undefined;
    await bus.consume({
      queue: broker.track(uniqueName('test.context'), FAST_RETRIES_MS.length),
      bindings: [ORDER_PLACED],
      handle: async () => {
        logger.info('reserving stock');
        produced = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });
      },
    });
    const sent = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 }, correlationId: 'order-42' });
    await bus.publish(sent);

    await waitFor('the handler', () => produced);
    const line = lines.find((l) => l.message === 'reserving stock');
    expect(line).to.include({ traceId: sent.traceId, correlationId: 'order-42', service: 'test' });
    expect(produced).to.include({ causationId: sent.messageId, correlationId: 'order-42', traceId: sent.traceId });
    await waitFor('the handled line', () => lines.find((l) => l.message === 'message handled'));
    expect(lines.find((l) => l.message === 'message handled')).to.include({
      level: 'info',
      type: ORDER_PLACED,
      messageId: sent.messageId,
      traceId: sent.traceId,
      correlationId: 'order-42',
      attempt: 1,
    });
  });

  it('when a handler fails, then the retry line carries the message trace and correlation ids', async () => {
    const { logger, lines } = captureLogger();
    await bus.close();
    bus = await openTestBus(broker, { schemas: fixture.schemas, logger });
    let calls = 0;
    await bus.consume({
      queue: broker.track(uniqueName('test.retry-ids'), FAST_RETRIES_MS.length),
      bindings: [ORDER_PLACED],
      handle: async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
      },
    });
    const sent = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 }, correlationId: 'order-43' });
    await bus.publish(sent);
    await waitFor('the retried delivery handled', () => lines.find((l) => l.message === 'message handled'));
    const retry = lines.find((l) => l.message === 'message handler failed; will retry');
    expect(retry).to.include({ traceId: sent.traceId, correlationId: 'order-43', messageId: sent.messageId });
    expect(lines.find((l) => l.message === 'message handled')).to.include({ traceId: sent.traceId, correlationId: 'order-43', attempt: 2 });
  });

  it('when a consumer asks for quorum queues, then its queues are quorum queues and retries still come back', async () => {
    const queue = broker.track(uniqueName('test.quorum'), FAST_RETRIES_MS.length);
    const attempts: number[] = [];
    await bus.consume({
      queue,
      bindings: [ORDER_PLACED],
      queueType: 'quorum',
      handle: async () => {
        attempts.push(currentMessage()!.attempt);
        if (attempts.length === 1) throw new Error('transient');
      },
    });
    await bus.publish(order());
    await waitFor('the retried delivery', () => attempts.length === 2);
    expect(attempts).to.deep.equal([1, 2]);
    expect(await broker.queueType(queue)).to.equal('quorum');
    expect(await broker.queueType(queueNames(queue).retry(1))).to.equal('quorum');
  });

  it('when a binding names a type without a schema, then consume refuses to start', async () => {
    let error: unknown;
    await bus.consume({ queue: uniqueName('test.never'), bindings: ['test.order.unheard-of'], handle: async () => undefined }).catch((e: unknown) => {
      error = e;
    });
    expect(String(error)).to.include('No schema in contracts/events for test.order.unheard-of');
  });

  it('when stopping a consumer, then the message in hand is finished and acked first', async () => {
    const queue = broker.track(uniqueName('test.drain'), FAST_RETRIES_MS.length);
    let finished = false;
    const consumer = await bus.consume({
      queue,
      bindings: [ORDER_PLACED],
      handle: async () => {
        await sleep(200);
        finished = true;
      },
    });
    await bus.publish(order());
    await waitFor('the delivery', async () => (await broker.depth(queue)) === 0);
    await consumer.stop();
    expect(finished).to.equal(true);
    expect(await broker.depth(queue)).to.equal(0);
  });

  describe('messaging_handle_duration_seconds', () => {
    const sample = async (name: string, labels: Record<string, string>) => sampleOf(await registry.metrics(), name, labels) ?? 0;

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
      await bus.publish(order());
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
      await bus.publish(order());
      await waitFor('the message in the DLQ', async () => (await broker.depth(queueNames(queue).dlq)) === 1);

      expect(await sample('messaging_handle_duration_seconds_count', { type: ORDER_PLACED, queue })).to.equal(FAST_RETRIES_MS.length + 1);
    });
  });
});
