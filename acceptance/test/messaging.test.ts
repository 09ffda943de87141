import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createEnvelope } from '@commerce/shared';
import { eventually } from '@commerce/shared/testing';
import { Duplicator, discardParked, queueDepth, sendToQueue } from '../src/broker.js';
import { ROOT } from '../src/env.js';
import { type Acceptance, acceptance } from './support/stack.js';

// Acceptance tests 7 and 10 of issue 5: at-least-once delivery taken seriously. Every saga message
// delivered twice has one effect; a poison message is parked, counted, and replayable by the
// documented command, while the queue keeps flowing.

const run = promisify(execFile);

/** The sum of one Prometheus counter's samples whose labels include all of `labels`. */
async function counter(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('acceptance: delivery guarantees', function () {
  let a: Acceptance;
  let amqpUrl: string;

  before(async function () {
    a = await acceptance(this);
    amqpUrl = a.stack.env.order.AMQP_URL as string;
  });

  it('7. duplicate delivery of every saga message (a racing copy and a late one): one effect each', async function () {
    this.timeout(300_000);
    const duplicator = await Duplicator.start(amqpUrl);
    try {
      const product = await a.shop.newProduct(a.adminToken, { stock: 10, priceCents: 700 });
      const [happy, declined, cancelled] = await Promise.all([a.shop.newShopper('dup'), a.shop.newShopper('dup'), a.shop.newShopper('dup')]);
      const happyId = await a.shop.buy(happy!, [{ productId: product.id, quantity: 2 }]);
      const declinedId = await a.shop.buy(declined!, [{ productId: product.id, quantity: 1 }], 'tok_chargeDeclined');
      const cancelId = await a.shop.buy(cancelled!, [{ productId: product.id, quantity: 3 }]);

      expect(await a.shop.waitForOrder(happy!.token, happyId)).to.include({ status: 'processing', paymentStatus: 'completed' });
      expect(await a.shop.waitForOrder(declined!.token, declinedId)).to.include({ status: 'cancelled', failureReason: 'PAYMENT_DECLINED' });
      expect(await a.shop.waitForOrder(cancelled!.token, cancelId)).to.include({ status: 'processing' });
      expect((await a.shop.cancel(cancelled!.token, cancelId)).status).to.equal(202);
      await a.shop.waitForOrder(cancelled!.token, cancelId, { done: (o) => o.status === 'cancelled' && o.paymentStatus === 'refunded' });

      // Every kind of saga message went by three times.
      await eventually(() =>
        expect([...duplicator.duplicated.keys()]).to.include.members([
          'cart.cart.checked-out', 'catalog.reserve-stock', 'catalog.stock.reserved', 'payment.authorize-payment', 'payment.payment.completed',
          'payment.payment.failed', 'catalog.commit-stock', 'catalog.stock.committed', 'catalog.release-stock', 'catalog.stock.released',
          'order.order.confirmed', 'order.order.cancelled', 'payment.refund-payment', 'payment.payment.refunded', 'catalog.restock', 'catalog.stock.restocked',
        ]),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // the last late copies arrive
      // One effect each: stock moved once (2 sold; the declined one released, the cancelled one restocked) ...
      await eventually(async () => expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 8, reserved: 0 }));
      // ... one order per checkout, one payment per order, one history row per change.
      for (const [shopper, orderId] of [[happy!, happyId], [declined!, declinedId], [cancelled!, cancelId]] as const) {
        const mine = await a.shop.api.get<{ items: { id: string }[] }>('/api/v1/orders', { token: shopper.token });
        expect(mine.body.items.map((o) => o.id)).to.deep.equal([orderId]);
        expect(await a.shop.payments(shopper.token, orderId)).to.have.length(1);
        const history = await a.shop.history(shopper.token, orderId);
        const steps = history.map((h) => `${h.kind}:${h.from ?? '-'}>${h.to}`);
        expect(steps, `history of ${orderId}`).to.deep.equal([...new Set(steps)]);
      }
      expect((await a.shop.payments(happy!.token, happyId))[0]).to.include({ status: 'completed', amountCents: 1_400 });
      expect((await a.shop.payments(cancelled!.token, cancelId))[0]).to.include({ status: 'refunded', amountCents: 2_100 });
      await a.expectConsistent();
    } finally {
      await duplicator.stop();
    }
  });

  it('10. a message its handler keeps failing on: retried after 1 s, 10 s, 60 s, then parked (retries-exhausted) and counted', async function () {
    this.timeout(300_000);
    const orderUrl = a.stack.url('order');
    const labels = { queue: 'order.saga', type: 'cart.cart.checked-out' };
    const retriedBefore = await counter(orderUrl, 'messaging_retried_total', labels);
    const parkedBefore = await counter(orderUrl, 'messaging_dead_lettered_total', { ...labels, reason: 'retries-exhausted' });

    // Valid by its schema (which sets no upper bound on totalCents), but no order database column
    // holds a total of 30 million dollars: every attempt fails.
    const shopper = await a.shop.newShopper('retries');
    const orderId = randomUUID();
    const product = await a.shop.newProduct(a.adminToken, { stock: 1 });
    const failing = createEnvelope({
      type: 'cart.cart.checked-out',
      correlationId: orderId,
      data: {
        orderId,
        cartId: randomUUID(),
        customerId: shopper.customerId,
        items: [{ productId: product.id, name: product.name, unitPriceCents: 100_000_000, quantity: 30 }],
        totalCents: 3_000_000_000,
        currency: 'USD',
        shippingAddress: { line1: '1 Test Street', line2: null, city: 'Testville', postalCode: '12345', country: 'US' },
        paymentToken: 'tok_visa',
      },
    });
    await sendToQueue(amqpUrl, 'order.saga', Buffer.from(JSON.stringify(failing)), { messageId: failing.messageId, type: failing.type });

    await eventually(async () => expect(await counter(orderUrl, 'messaging_retried_total', labels)).to.equal(retriedBefore + 3), { timeoutMs: 150_000, intervalMs: 1_000 });
    // The last retry waits 60 s.
    await eventually(async () => expect(await counter(orderUrl, 'messaging_dead_lettered_total', { ...labels, reason: 'retries-exhausted' })).to.equal(parkedBefore + 1), {
      timeoutMs: 120_000,
      intervalMs: 1_000,
    });
    expect(await a.shop.order(a.adminToken, orderId)).to.equal(undefined);
    // Understood and garbage: out of the DLQ, so the replay of the next test does not meet it.
    expect(await discardParked(amqpUrl, 'order.saga.dlq', failing.messageId)).to.equal(true);
  });

  it('10. poison message: parked in order.saga.dlq, counted, the queue keeps flowing, the documented command replays it', async function () {
    this.timeout(300_000);
    const dlq = 'order.saga.dlq';
    const orderUrl = a.stack.url('order');
    const parkedBefore = await queueDepth(amqpUrl, dlq);
    const countedBefore = await counter(orderUrl, 'messaging_dead_lettered_total', { queue: 'order.saga', reason: 'poison' });

    // A checked-out event whose data breaks its schema (no items, a negative total).
    const poison = createEnvelope({ type: 'cart.cart.checked-out', data: { orderId: randomUUID(), totalCents: -1 } });
    await sendToQueue(amqpUrl, 'order.saga', Buffer.from(JSON.stringify(poison)), { messageId: poison.messageId, type: poison.type });

    await eventually(async () => expect(await queueDepth(amqpUrl, dlq)).to.equal(parkedBefore + 1), { timeoutMs: 30_000 });
    expect(await counter(orderUrl, 'messaging_dead_lettered_total', { queue: 'order.saga', reason: 'poison' })).to.equal(countedBefore + 1);

    // The queue keeps flowing: a checkout right after it goes through.
    const product = await a.shop.newProduct(a.adminToken, { stock: 3 });
    const shopper = await a.shop.newShopper('poison');
    const orderId = await a.shop.buy(shopper, [{ productId: product.id, quantity: 1 }]);
    expect(await a.shop.waitForOrder(shopper.token, orderId)).to.include({ status: 'processing' });

    // The documented replay (docs/runbooks/checkout-saga.md) moves it back; still poison, it is parked again.
    const replay = await run('npm', ['run', '-s', '-w', '@commerce/acceptance', 'replay', '--', '--env', 'acceptance', '--queue', 'order.saga'], { cwd: ROOT });
    expect(replay.stdout).to.contain(`replayed ${parkedBefore + 1} message(s) from order.saga.dlq to order.saga`);
    await eventually(async () =>
      expect(await counter(orderUrl, 'messaging_dead_lettered_total', { queue: 'order.saga', reason: 'poison' })).to.equal(countedBefore + 2),
    );
    await eventually(async () => expect(await queueDepth(amqpUrl, dlq)).to.equal(parkedBefore + 1));

    // A parked message whose cause is gone is applied by the replay: here a valid checked-out event
    // parked by hand, as if an older order service had refused it.
    const cart = await a.shop.newShopper('replayed');
    const cartOrderId = randomUUID();
    const valid = createEnvelope({
      type: 'cart.cart.checked-out',
      correlationId: cartOrderId,
      data: {
        orderId: cartOrderId,
        cartId: randomUUID(),
        customerId: cart.customerId,
        items: [{ productId: product.id, name: product.name, unitPriceCents: product.priceCents, quantity: 1 }],
        totalCents: product.priceCents,
        currency: 'USD',
        shippingAddress: { line1: '1 Test Street', line2: null, city: 'Testville', postalCode: '12345', country: 'US' },
        paymentToken: 'tok_visa',
      },
    });
    await sendToQueue(amqpUrl, dlq, Buffer.from(JSON.stringify(valid)), { messageId: valid.messageId, type: valid.type });
    await run('npm', ['run', '-s', '-w', '@commerce/acceptance', 'replay', '--', '--env', 'acceptance', '--queue', 'order.saga'], { cwd: ROOT });
    expect(await a.shop.waitForOrder(cart.token, cartOrderId)).to.include({ status: 'processing', paymentStatus: 'completed' });
  });
});
