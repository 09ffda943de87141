import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { type Acceptance, acceptance } from './support/stack.js';

// Acceptance tests 1, 2, 3, 8 and 9 of issue 5: the checkout saga's stories, told through the
// gateway by a client, on the five services as real processes. Each test makes its own customers
// and products, so they run in any order.

describe('acceptance: checkout stories', function () {
  let a: Acceptance;

  before(async function () {
    a = await acceptance(this);
  });

  it('1. happy path: processing/completed, stock fell, cart converted, every step in the history', async () => {
    const product = await a.shop.newProduct(a.adminToken, { stock: 10, priceCents: 1_250 });
    const shopper = await a.shop.newShopper('happy');
    const cartId = await a.shop.fillCart(shopper, [{ productId: product.id, quantity: 3 }]);
    const checkout = await a.shop.checkout(shopper, cartId, 'tok_visa');
    expect(checkout.status).to.equal(202);
    expect(checkout.response.headers.get('location')).to.equal(`/api/v1/orders/${checkout.orderId}`);

    const order = await a.shop.waitForOrder(shopper.token, checkout.orderId);
    expect(order).to.include({ status: 'processing', paymentStatus: 'completed', failureReason: null, totalCents: 3_750 });
    expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 7, reserved: 0, available: 7 });
    await eventually(async () => expect((await a.shop.cart(shopper.token, cartId)).status).to.equal('converted'));

    const history = await a.shop.history(shopper.token, order.id);
    const steps = history.map((h) => `${h.kind}:${h.from ?? '-'}>${h.to}`);
    expect(steps).to.include.members(['status:->pending', 'paymentStatus:pending>completed', 'status:pending>processing']);
    expect(history.every((h) => h.actor === 'system' || h.actor === 'customer')).to.equal(true);

    const payments = await a.shop.payments(shopper.token, order.id);
    expect(payments.map((p) => [p.status, p.amountCents])).to.deep.equal([['completed', 3_750]]);
  });

  for (const [token, reason] of [
    ['tok_chargeDeclined', 'PAYMENT_DECLINED'],
    ['tok_insufficientFunds', 'PAYMENT_INSUFFICIENT_FUNDS'],
  ] as const) {
    it(`2. ${token}: cancelled ${reason}, reservation released, cart reopened, no payment completed`, async () => {
      const product = await a.shop.newProduct(a.adminToken, { stock: 5 });
      const before = await a.shop.inventory(a.adminToken, product.id);
      const shopper = await a.shop.newShopper('declined');
      const cartId = await a.shop.fillCart(shopper, [{ productId: product.id, quantity: 2 }]);
      const { orderId } = await a.shop.checkout(shopper, cartId, token);

      const order = await a.shop.waitForOrder(shopper.token, orderId);
      expect(order).to.include({ status: 'cancelled', paymentStatus: 'failed', failureReason: reason });
      await eventually(async () => expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.equal(before));
      await eventually(async () => expect((await a.shop.cart(shopper.token, cartId)).status).to.equal('pending'));
      const payments = await a.shop.payments(shopper.token, orderId);
      expect(payments.filter((p) => p.status === 'completed')).to.deep.equal([]);
      expect(payments.map((p) => p.failureReason)).to.deep.equal([reason]);
    });
  }

  it('3. out of stock: cancelled OUT_OF_STOCK, no payment attempted, nothing held', async () => {
    // The cart takes no more than is available, so the stock drops after the cart was filled.
    const product = await a.shop.newProduct(a.adminToken, { stock: 2 });
    const shopper = await a.shop.newShopper('oos');
    const cartId = await a.shop.fillCart(shopper, [{ productId: product.id, quantity: 2 }]);
    await a.shop.adjustStock(a.adminToken, product.id, -1, 'acceptance: one unit broken');
    const { orderId } = await a.shop.checkout(shopper, cartId, 'tok_visa');

    const order = await a.shop.waitForOrder(shopper.token, orderId);
    expect(order).to.include({ status: 'cancelled', paymentStatus: 'failed', failureReason: 'OUT_OF_STOCK' });
    expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 1, reserved: 0 });
    // Give a stray authorize command time to arrive: there must never be one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await a.shop.payments(a.adminToken, orderId)).to.deep.equal([]);
  });

  describe('8. payment timeout, and cancel of a processing order', () => {
    before(async function () {
      this.timeout(120_000);
      // tok_timeout never answers: a 3 s payment step makes the saga give up quickly.
      await a.stack.restartWith('order', { ORDER_PAYMENT_STEP_TIMEOUT_MS: '3000' });
    });

    after(async function () {
      this.timeout(120_000);
      await a.stack.restartWith('order', {});
    });

    it('tok_timeout: cancelled PAYMENT_TIMEOUT, stock released, no money kept', async () => {
      const product = await a.shop.newProduct(a.adminToken, { stock: 4 });
      const shopper = await a.shop.newShopper('timeout');
      const orderId = await a.shop.buy(shopper, [{ productId: product.id, quantity: 1 }], 'tok_timeout');

      const order = await a.shop.waitForOrder(shopper.token, orderId, { timeoutMs: 30_000 });
      expect(order).to.include({ status: 'cancelled', paymentStatus: 'failed', failureReason: 'PAYMENT_TIMEOUT' });
      await eventually(async () => expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 4, reserved: 0 }));
      const payments = await a.shop.payments(a.adminToken, orderId);
      expect(payments.filter((p) => p.status === 'completed')).to.deep.equal([]);
    });

    it('cancel of a processing order: refunded and restocked', async () => {
      const product = await a.shop.newProduct(a.adminToken, { stock: 6, priceCents: 900 });
      const shopper = await a.shop.newShopper('cancel');
      const orderId = await a.shop.buy(shopper, [{ productId: product.id, quantity: 2 }]);
      expect(await a.shop.waitForOrder(shopper.token, orderId)).to.include({ status: 'processing', paymentStatus: 'completed' });
      expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 4, reserved: 0 });

      const key = randomUUID();
      const cancelled = await a.shop.cancel(shopper.token, orderId, key);
      expect(cancelled.status).to.equal(202);
      expect((await a.shop.cancel(shopper.token, orderId, key)).status).to.equal(202); // a retry replays

      const order = await a.shop.waitForOrder(shopper.token, orderId, { done: (o) => o.status === 'cancelled' && o.paymentStatus === 'refunded' });
      expect(order.failureReason).to.equal('CUSTOMER_CANCELLED');
      await eventually(async () => expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 6, reserved: 0 }));
      const payments = await a.shop.payments(shopper.token, orderId);
      expect(payments.map((p) => [p.status, p.amountCents])).to.deep.equal([['refunded', 1_800]]);
      const history = await a.shop.history(shopper.token, orderId);
      expect(history.map((h) => `${h.kind}:${h.from ?? '-'}>${h.to}`)).to.include.members(['status:processing>cancelled', 'paymentStatus:completed>refunded']);
    });
  });

  it('9. checkout retried with the same Idempotency-Key: one order', async () => {
    const product = await a.shop.newProduct(a.adminToken, { stock: 10 });
    const shopper = await a.shop.newShopper('retry');
    const cartId = await a.shop.fillCart(shopper, [{ productId: product.id, quantity: 1 }]);
    const key = randomUUID();
    const first = await a.shop.checkout(shopper, cartId, 'tok_visa', key);
    // Five retries at once (a client that lost the first answer), then one more after it settled.
    const retries = await Promise.all(Array.from({ length: 5 }, () => a.shop.checkout(shopper, cartId, 'tok_visa', key)));
    expect([first, ...retries].map((r) => [r.status, r.orderId])).to.deep.equal(Array.from({ length: 6 }, () => [202, first.orderId]));

    await a.shop.waitForOrder(shopper.token, first.orderId);
    const late = await a.shop.checkout(shopper, cartId, 'tok_visa', key);
    expect([late.status, late.orderId]).to.deep.equal([202, first.orderId]);
    const mine = await a.shop.api.get<{ items: { id: string }[] }>('/api/v1/orders', { token: shopper.token });
    expect(mine.body.items.map((o) => o.id)).to.deep.equal([first.orderId]);
    expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 9, reserved: 0 });
    expect((await a.shop.payments(shopper.token, first.orderId)).length).to.equal(1);
  });
});
