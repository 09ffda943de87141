import { expect } from 'chai';
import { createLogger } from '@commerce/shared';
import { eventually } from '@commerce/shared/testing';
import { openDatabase } from '../../src/database.js';
import { SCRUBBED_TOKEN, scrubPublishedTokens } from '../../src/saga-sweeper.js';
import { answers, capturedFor, checkout, historyOf, orderRow, sentFor, useOrderService, waitForOrder, waitForSent } from '../support/harness.js';

describe('the checkout saga on the real bus', () => {
  const h = useOrderService();
  /** saga_duration_seconds of one outcome: its count and sum. */
  const sagaDuration = async (outcome: string) => {
    const metrics = (await h.api.get<string>('/metrics')).body;
    const value = (series: string) => {
      const line = metrics.split('\n').find((l) => l.startsWith(`saga_duration_seconds_${series}{`) && l.includes(`outcome="${outcome}"`));
      return Number(line?.split(' ').pop() ?? 0);
    };
    return { count: value('count'), sum: value('sum') };
  };
  let orm: Awaited<ReturnType<typeof openDatabase>>;
  before(async () => {
    orm = await openDatabase(h.config.DATABASE_URL, createLogger('order-test', 'error'));
  });
  after(() => orm.close());

  it('when a cart is checked out, then the order is pending with the snapshot, the token is only in the saga row, and reserve-stock goes out', async () => {
    const c = await checkout(h);
    const row = await orderRow(h, c.orderId);
    expect(row).to.include({ status: 'pending', payment_status: 'pending', state: 'reserving_stock', payment_token: 'tok_visa' });
    const [reserve] = await sentFor(h, c.orderId, 'catalog.reserve-stock');
    expect(reserve!.correlationId).to.equal(c.orderId);
    expect((reserve!.data as { items: unknown }).items).to.deep.equal(c.items.map((i) => ({ productId: i.productId, quantity: i.quantity })));
    const { rows } = await h.db.query('select items, total_cents, shipping_address from orders where id = $1', [c.orderId]);
    expect(rows[0]).to.deep.equal({ items: c.items, total_cents: c.totalCents, shipping_address: c.shippingAddress });
  });

  it('when stock is reserved, payment completes and stock is committed, then the order is processing, paid, confirmed, and the token is gone', async () => {
    const [confirmedBefore, cancelledBefore] = [await sagaDuration('confirmed'), await sagaDuration('cancelled')];
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    const [authorize] = await waitForSent(h, c.orderId, 'payment.authorize-payment');
    expect(authorize!.data).to.include({ orderId: c.orderId, customerId: c.customerId, amountCents: c.totalCents, currency: 'USD' });
    expect((await orderRow(h, c.orderId))!.payment_token).to.equal(null);
    // The broker got the token; the outbox's copy is scrubbed once published.
    const [published] = await eventually(() => {
      const got = capturedFor(h, c.orderId, 'payment.authorize-payment');
      if (got.length === 0) throw new Error('authorize not on the broker yet');
      return got;
    });
    expect(published!.data).to.include({ paymentToken: 'tok_visa' });
    await eventually(async () => {
      await scrubPublishedTokens({ em: orm.em });
      const [row] = await sentFor(h, c.orderId, 'payment.authorize-payment');
      expect(row!.data).to.include({ paymentToken: SCRUBBED_TOKEN });
    });
    await say.completed();
    await waitForSent(h, c.orderId, 'catalog.commit-stock');
    await waitForOrder(h, c.orderId, { payment_status: 'completed', state: 'committing_stock', status: 'pending' });
    await say.committed();
    await waitForOrder(h, c.orderId, { status: 'processing', payment_status: 'completed', state: 'completed' });
    // One saga ended confirmed; its duration runs from the order's creation to the saga's last step.
    const { rows } = await h.db.query<{ seconds: number }>('select extract(epoch from (s.updated_at - o.created_at))::float8 as seconds from sagas s join orders o on o.id = s.order_id where o.id = $1', [c.orderId]);
    const confirmedAfter = await eventually(async () => {
      const after = await sagaDuration('confirmed');
      expect(after.count).to.equal(confirmedBefore.count + 1);
      return after;
    });
    expect(confirmedAfter.sum - confirmedBefore.sum).to.be.closeTo(rows[0]!.seconds, 0.05);
    expect(await sagaDuration('cancelled')).to.deep.equal(cancelledBefore);
    const [confirmation] = await waitForSent(h, c.orderId, 'order.order.confirmed');
    expect(confirmation!.data).to.deep.equal({ orderId: c.orderId, customerId: c.customerId });
    expect(await historyOf(h, c.orderId)).to.deep.equal([
      ['status', null, 'pending', 'system', null],
      ['paymentStatus', null, 'pending', 'system', null],
      ['paymentStatus', 'pending', 'completed', 'system', null],
      ['status', 'pending', 'processing', 'system', null],
    ]);
    // Not only written: published on the real broker, where a queue bound to the types receives them.
    await eventually(() =>
      expect(capturedFor(h, c.orderId).map((e) => e.type)).to.have.members(['catalog.reserve-stock', 'payment.authorize-payment', 'catalog.commit-stock', 'order.order.confirmed']),
    );
  });

  it('when the reservation is rejected, then the order is cancelled OUT_OF_STOCK, payment failed, nothing to release and no payment attempted', async () => {
    const [confirmedBefore, cancelledBefore] = [await sagaDuration('confirmed'), await sagaDuration('cancelled')];
    const c = await checkout(h);
    await answers(h, c).rejected();
    await waitForOrder(h, c.orderId, { status: 'cancelled', payment_status: 'failed', failure_reason: 'OUT_OF_STOCK', state: 'compensated', payment_token: null });
    await eventually(async () => expect((await sagaDuration('cancelled')).count).to.equal(cancelledBefore.count + 1));
    expect(await sagaDuration('confirmed')).to.deep.equal(confirmedBefore);
    const [cancelled] = await waitForSent(h, c.orderId, 'order.order.cancelled');
    expect(cancelled!.data).to.deep.equal({ orderId: c.orderId, customerId: c.customerId, reason: 'OUT_OF_STOCK' });
    expect(await sentFor(h, c.orderId, 'payment.authorize-payment')).to.have.length(0);
    expect(await sentFor(h, c.orderId, 'catalog.release-stock')).to.have.length(0);
  });

  for (const reason of ['PAYMENT_DECLINED', 'PAYMENT_INSUFFICIENT_FUNDS'] as const) {
    it(`when the payment fails with ${reason}, then the stock is released and the order cancelled with that reason`, async () => {
      const c = await checkout(h);
      const say = answers(h, c);
      await say.reserved();
      await waitForSent(h, c.orderId, 'payment.authorize-payment');
      await say.failed(reason);
      await waitForOrder(h, c.orderId, { status: 'cancelled', payment_status: 'failed', failure_reason: reason, state: 'compensated' });
      const [release] = await waitForSent(h, c.orderId, 'catalog.release-stock');
      expect(release!.data).to.deep.equal({ orderId: c.orderId, reason });
      expect((await waitForSent(h, c.orderId, 'order.order.cancelled'))[0]!.data).to.include({ reason });
      expect(await historyOf(h, c.orderId)).to.deep.equal([
        ['status', null, 'pending', 'system', null],
        ['paymentStatus', null, 'pending', 'system', null],
        ['paymentStatus', 'pending', 'failed', 'system', reason],
        ['status', 'pending', 'cancelled', 'system', reason],
      ]);
    });
  }

  it('when the payment answers nothing by its deadline, then the sweeper cancels PAYMENT_TIMEOUT and releases the stock', async () => {
    const c = await checkout(h);
    await answers(h, c).reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await waitForOrder(h, c.orderId, { status: 'cancelled', payment_status: 'failed', failure_reason: 'PAYMENT_TIMEOUT', state: 'compensated' }, 15_000);
    expect((await waitForSent(h, c.orderId, 'catalog.release-stock'))[0]!.data).to.include({ reason: 'PAYMENT_TIMEOUT' });
    await waitForSent(h, c.orderId, 'order.order.cancelled');
  });

  it('when the catalog answers nothing, then reserve-stock is sent again, and after the last attempt the order is cancelled OUT_OF_STOCK', async () => {
    const c = await checkout(h);
    await waitForSent(h, c.orderId, 'catalog.reserve-stock', 2);
    await waitForOrder(h, c.orderId, { status: 'cancelled', failure_reason: 'OUT_OF_STOCK', state: 'compensated', payment_token: null }, 15_000);
    expect(await sentFor(h, c.orderId, 'catalog.reserve-stock')).to.have.length(2);
    await waitForSent(h, c.orderId, 'catalog.release-stock');
  });

  it('when commit-stock is not answered, then it is sent again and never compensated (the money is taken); the late committed confirms', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await say.completed();
    await waitForSent(h, c.orderId, 'catalog.commit-stock', 2);
    expect((await orderRow(h, c.orderId))).to.include({ status: 'pending', state: 'committing_stock' });
    await say.committed();
    await waitForOrder(h, c.orderId, { status: 'processing', state: 'completed' });
  });

  it('when the reservation expires before the commit, then the charge is refunded and the order cancelled OUT_OF_STOCK', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await say.completed();
    await waitForSent(h, c.orderId, 'catalog.commit-stock');
    await say.released('expired');
    await waitForOrder(h, c.orderId, { status: 'cancelled', failure_reason: 'OUT_OF_STOCK', state: 'compensated', payment_status: 'completed' });
    expect((await waitForSent(h, c.orderId, 'payment.refund-payment'))[0]!.data).to.deep.equal({ orderId: c.orderId, reason: 'OUT_OF_STOCK' });
    await say.refunded('OUT_OF_STOCK');
    await waitForOrder(h, c.orderId, { payment_status: 'refunded' });
  });

  it('when payment.completed arrives after the order was cancelled for timeout, then the charge is refunded and the payment ends refunded', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForOrder(h, c.orderId, { failure_reason: 'PAYMENT_TIMEOUT' }, 15_000);
    await say.completed();
    const [refund] = await waitForSent(h, c.orderId, 'payment.refund-payment');
    expect(refund!.data).to.include({ orderId: c.orderId });
    expect(await sentFor(h, c.orderId, 'catalog.commit-stock')).to.have.length(0);
    await say.refunded('late charge of a cancelled order');
    await waitForOrder(h, c.orderId, { status: 'cancelled', payment_status: 'refunded' });
    expect((await historyOf(h, c.orderId)).at(-1)).to.deep.equal(['paymentStatus', 'failed', 'refunded', 'system', 'late charge refunded: late charge of a cancelled order']);
  });

  it('when stock.reserved arrives after the order was cancelled, then the stock is released again', async () => {
    const c = await checkout(h);
    const cancel = await h.api.post(`/api/v1/orders/${c.orderId}/cancel`, {}, { headers: { authorization: `Bearer ${h.customerToken(c.customerId)}`, 'idempotency-key': 'late-reserved' } });
    expect(cancel.status).to.equal(202);
    await waitForSent(h, c.orderId, 'catalog.release-stock');
    await answers(h, c).reserved();
    await waitForSent(h, c.orderId, 'catalog.release-stock', 2);
    expect(await sentFor(h, c.orderId, 'payment.authorize-payment')).to.have.length(0);
    expect(await orderRow(h, c.orderId)).to.include({ status: 'cancelled', state: 'cancelled', failure_reason: 'CUSTOMER_CANCELLED', payment_token: null });
  });

  it('when stock.committed arrives after a cancel while committing, then the stock is restocked and the charge refunded', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await say.completed();
    await waitForSent(h, c.orderId, 'catalog.commit-stock');
    const cancel = await h.api.post(`/api/v1/orders/${c.orderId}/cancel`, {}, { headers: { authorization: `Bearer ${h.adminToken()}`, 'idempotency-key': 'late-commit' } });
    expect(cancel.status).to.equal(202);
    expect(cancel.body).to.include({ status: 'cancelled', failureReason: 'ADMIN_CANCELLED', paymentStatus: 'completed' });
    await waitForSent(h, c.orderId, 'payment.refund-payment');
    await say.committed();
    expect((await waitForSent(h, c.orderId, 'catalog.restock'))[0]!.data).to.include({ orderId: c.orderId });
    expect(await orderRow(h, c.orderId)).to.include({ status: 'cancelled', state: 'cancelled' });
    expect(await sentFor(h, c.orderId, 'order.order.confirmed')).to.have.length(0);
  });
});
