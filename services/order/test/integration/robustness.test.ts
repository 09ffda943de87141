import { expect } from 'chai';
import { createLogger, createMetrics, type Envelope } from '@commerce/shared';
import { eventually } from '@commerce/shared/testing';
import { openDatabase } from '../../src/database.js';
import { OrderMetrics } from '../../src/metrics.js';
import { countStuckSagas } from '../../src/saga-sweeper.js';
import { aCheckout, answers, checkout, historyOf, orderRow, sentFor, useOrderService, waitForOrder, waitForSent } from '../support/harness.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('the saga under duplicates, races and restarts', () => {
  const h = useOrderService();

  it('when every message of a checkout is delivered twice (same messageId), then each has one effect', async () => {
    const c = aCheckout();
    const say = answers(h, c);
    const delivered: Envelope[] = [];
    const twice = async (publish: () => Promise<Envelope>) => {
      const envelope = await publish();
      await h.resend(envelope);
      delivered.push(envelope);
    };
    await twice(() => h.publish('cart.cart.checked-out', c as unknown as Record<string, unknown>));
    await waitForSent(h, c.orderId, 'catalog.reserve-stock');
    await twice(say.reserved);
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await twice(say.completed);
    await waitForSent(h, c.orderId, 'catalog.commit-stock');
    await twice(say.committed);
    await waitForOrder(h, c.orderId, { status: 'processing', state: 'completed' });
    await settle();
    for (const type of ['catalog.reserve-stock', 'payment.authorize-payment', 'catalog.commit-stock', 'order.order.confirmed']) {
      expect(await sentFor(h, c.orderId, type), type).to.have.length(1);
    }
    expect(await historyOf(h, c.orderId)).to.have.length(4);
    const { rows } = await h.db.query(`select count(*)::int as n from inbox where message_id = any($1::uuid[])`, [delivered.map((e) => e.messageId)]);
    expect(rows[0]).to.deep.equal({ n: 4 });
  });

  it('when the answers are repeated with new message ids (a resent command answered again), then the saga does not move twice', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await say.completed();
    await say.completed();
    await waitForSent(h, c.orderId, 'catalog.commit-stock');
    await say.committed();
    await say.committed();
    await waitForOrder(h, c.orderId, { status: 'processing' });
    await settle();
    expect(await sentFor(h, c.orderId, 'payment.authorize-payment')).to.have.length(1);
    expect(await sentFor(h, c.orderId, 'catalog.commit-stock')).to.have.length(1);
    expect(await sentFor(h, c.orderId, 'order.order.confirmed')).to.have.length(1);
    expect(await historyOf(h, c.orderId)).to.have.length(4);
  });

  it('when failure answers and refunds are duplicated, then the order is cancelled once and refunded once', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    const failed = await say.failed('PAYMENT_DECLINED');
    await h.resend(failed);
    await say.failed('PAYMENT_DECLINED');
    await waitForOrder(h, c.orderId, { status: 'cancelled', failure_reason: 'PAYMENT_DECLINED' });
    const rejected = await say.rejected();
    await h.resend(rejected);
    await say.released('PAYMENT_DECLINED');
    await settle();
    expect(await sentFor(h, c.orderId, 'order.order.cancelled')).to.have.length(1);
    expect(await sentFor(h, c.orderId, 'catalog.release-stock')).to.have.length(1);
    expect(await historyOf(h, c.orderId)).to.have.length(4);
  });

  it('when the same checkout arrives many times at once with different message ids, then one order, one saga, one reserve-stock', async () => {
    const c = aCheckout();
    await Promise.all(Array.from({ length: 8 }, () => h.publish('cart.cart.checked-out', c as unknown as Record<string, unknown>)));
    await waitForSent(h, c.orderId, 'catalog.reserve-stock');
    await settle();
    expect(await sentFor(h, c.orderId, 'catalog.reserve-stock')).to.have.length(1);
    const { rows } = await h.db.query('select (select count(*)::int from orders where id = $1) as orders, (select count(*)::int from order_history where order_id = $1) as history', [c.orderId]);
    expect(rows[0]).to.deep.equal({ orders: 1, history: 2 });
  });

  it('when a cancel races the payment answer, then exactly one of them wins and the loser is compensated', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    const [cancel] = await Promise.all([
      h.api.post(`/api/v1/orders/${c.orderId}/cancel`, {}, { token: h.customerToken(c.customerId), headers: { 'idempotency-key': 'race' } }),
      say.completed(),
    ]);
    expect(cancel.status).to.equal(202);
    await waitForOrder(h, c.orderId, { status: 'cancelled', state: 'cancelled' });
    // Whichever came first, the money goes back: a refund is sent either by the cancel (payment
    // completed before it) or as the compensation of the late completed.
    await waitForSent(h, c.orderId, 'payment.refund-payment');
    expect(await sentFor(h, c.orderId, 'order.order.confirmed')).to.have.length(0);
  });

  it('when the service dies mid-saga and answers arrive while it is down, then after the restart the saga goes on from where it was', async () => {
    const c = await checkout(h);
    const say = answers(h, c);
    await say.reserved();
    await waitForSent(h, c.orderId, 'payment.authorize-payment');
    await h.restart(async () => {
      await say.completed();
    });
    await waitForSent(h, c.orderId, 'catalog.commit-stock');
    await say.committed();
    await waitForOrder(h, c.orderId, { status: 'processing', payment_status: 'completed', state: 'completed' });
  });

  it('when the service was down past a step deadline, then after the restart the sweeper resumes the step (reserve-stock sent again)', async () => {
    const c = await checkout(h);
    await h.restart(async () => {
      await h.db.query(`update sagas set step_deadline = now() - interval '1 second' where order_id = $1`, [c.orderId]);
    });
    await waitForSent(h, c.orderId, 'catalog.reserve-stock', 2);
    expect((await orderRow(h, c.orderId))!.attempts).to.be.at.least(1);
    await answers(h, c).reserved();
    await waitForOrder(h, c.orderId, { state: 'authorizing_payment' });
  });

  it('when a saga is past its deadline by more than the grace, then sagas_stuck counts it; the sweeper moves it and the gauge falls back', async () => {
    const c = await checkout(h);
    await answers(h, c).reserved();
    await waitForOrder(h, c.orderId, { state: 'authorizing_payment' });
    // The sweeper is stopped with the service; the row is aged by hand so the gauge sees it stuck.
    await h.service.close();
    await h.db.query(`update sagas set step_deadline = now() - interval '10 seconds' where order_id = $1`, [c.orderId]);
    const orm = await openDatabase(h.config.DATABASE_URL, createLogger('order-test', 'error'));
    try {
      const { registry } = createMetrics('order');
      new OrderMetrics(registry, () => countStuckSagas({ em: orm.em }, h.config.ORDER_SAGA_STUCK_GRACE_MS));
      expect(await registry.metrics()).to.match(/^sagas_stuck\{service="order"\} 1$/m);
    } finally {
      await orm.close();
    }
    await h.restart();
    await waitForOrder(h, c.orderId, { status: 'cancelled', failure_reason: 'PAYMENT_TIMEOUT' });
    // The service's registry labels every sample with service="order".
    await eventually(async () => expect((await h.api.get<string>('/metrics')).body).to.match(/^sagas_stuck\{service="order"\} 0$/m));
  });
});
