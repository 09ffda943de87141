import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { authorizeCommand, eventsOf, historyOf, metricValue, paymentOf, usePaymentService } from '../support/harness.js';

/**
 * What a process killed at the wrong moment leaves behind, written straight to the tables as the
 * dead process had left them, then settled by the running service's sweeper (every 200 ms, grace
 * 500 ms in the tests) or by the redelivered command.
 */
describe('stuck payments: the sweeper and a redelivered command after a crash', () => {
  const h = usePaymentService();

  const leftPending = async (options: { deadlineMsAgo: number; orderCancelled?: string }) => {
    const payment = { id: randomUUID(), orderId: randomUUID(), customerId: randomUUID() };
    const deadline = new Date(Date.now() - options.deadlineMsAgo);
    await h.db.query(
      `insert into payments (id, order_id, customer_id, amount_cents, currency, status, deadline, order_cancelled_at, order_cancel_reason, created_at, updated_at)
       values ($1, $2, $3, 5148, 'USD', 'pending', $4, $5, $6, now() - interval '1 minute', now() - interval '1 minute')`,
      [payment.id, payment.orderId, payment.customerId, deadline, options.orderCancelled ? new Date() : null, options.orderCancelled ?? null],
    );
    await h.db.query(`insert into payment_history (payment_id, from_status, to_status, at, reason) values ($1, null, 'pending', now() - interval '1 minute', null)`, [payment.id]);
    return payment;
  };
  /** The charge the provider made before the process died (the sandbox remembers it by key). */
  const chargedBeforeTheCrash = (orderId: string, token = 'tok_visa') =>
    h.sandbox.charge({ idempotencyKey: orderId, amountCents: 5148, currency: 'USD', token }, new AbortController().signal);
  const settledRow = (orderId: string) =>
    eventually(async () => {
      const [row] = await paymentOf(h, orderId);
      if (!row || row.status === 'pending') throw new Error('still pending');
      return row;
    }, { timeoutMs: 8_000 });

  it('when the provider had charged before the process died, then the sweeper finds that charge: completed with its reference, announced, not charged again, counted', async () => {
    const swept = await metricValue(h, 'payment_sweeper_actions_total', 'action="stuck_settled"');
    const p = await leftPending({ deadlineMsAgo: 2_000 });
    const charge = await chargedBeforeTheCrash(p.orderId);
    const row = await settledRow(p.orderId);
    expect(row).to.include({ status: 'completed', provider_reference: charge.outcome === 'succeeded' ? charge.providerReference : 'none' });
    const [event] = await eventsOf(h, p.orderId, 'payment.payment.completed');
    expect(event!.data).to.include({ paymentId: p.id, providerReference: row.provider_reference });
    expect(h.sandbox.chargesFor(p.orderId)).to.equal(1);
    expect((await historyOf(h, p.id)).map((r) => r.to_status)).to.deep.equal(['pending', 'completed']);
    expect(await metricValue(h, 'payment_sweeper_actions_total', 'action="stuck_settled"')).to.be.at.least(swept + 1);
  });

  it('when the provider never got the charge, then the sweeper fails it with PAYMENT_TIMEOUT, announces it and counts it', async () => {
    const timeouts = await metricValue(h, 'payments_total', 'outcome="timeout"');
    const p = await leftPending({ deadlineMsAgo: 2_000 });
    const row = await settledRow(p.orderId);
    expect(row).to.include({ status: 'failed', failure_reason: 'PAYMENT_TIMEOUT' });
    expect((await eventsOf(h, p.orderId, 'payment.payment.failed'))[0]!.data.reason).to.equal('PAYMENT_TIMEOUT');
    expect(await metricValue(h, 'payments_total', 'outcome="timeout"')).to.be.at.least(timeouts + 1);
  });

  it('when the provider had declined, or never makes the charge (tok_timeout), then failed with the decline reason, or PAYMENT_TIMEOUT', async () => {
    const declined = await leftPending({ deadlineMsAgo: 2_000 });
    await chargedBeforeTheCrash(declined.orderId, 'tok_insufficientFunds');
    const hanging = await leftPending({ deadlineMsAgo: 2_000 });
    void chargedBeforeTheCrash(hanging.orderId, 'tok_timeout');
    expect(await settledRow(declined.orderId)).to.include({ status: 'failed', failure_reason: 'PAYMENT_INSUFFICIENT_FUNDS' });
    expect(await settledRow(hanging.orderId)).to.include({ status: 'failed', failure_reason: 'PAYMENT_TIMEOUT' });
  });

  it('when the lookup fails transiently, then it is retried and the payment settled', async () => {
    const p = await leftPending({ deadlineMsAgo: 2_000 });
    await chargedBeforeTheCrash(p.orderId);
    h.sandbox.failNext(1, p.orderId);
    expect((await settledRow(p.orderId)).status).to.equal('completed');
  });

  it('when the order of the stuck payment was cancelled meanwhile and the provider had charged, then it is completed and refunded at once', async () => {
    const p = await leftPending({ deadlineMsAgo: 2_000, orderCancelled: 'Order cancelled: PAYMENT_TIMEOUT' });
    await chargedBeforeTheCrash(p.orderId);
    const refunded = await eventually(async () => {
      const events = await eventsOf(h, p.orderId, 'payment.payment.refunded');
      if (events.length === 0) throw new Error('not refunded yet');
      return events;
    }, { timeoutMs: 8_000 });
    expect(refunded[0]!.data.reason).to.equal('Order cancelled: PAYMENT_TIMEOUT');
    expect((await historyOf(h, p.id)).map((r) => r.to_status)).to.deep.equal(['pending', 'completed', 'refunded']);
  });

  it('when a completed payment of a cancelled order was left unrefunded (crash between the two), then the sweeper refunds it', async () => {
    const p = { id: randomUUID(), orderId: randomUUID() };
    await h.db.query(
      `insert into payments (id, order_id, customer_id, amount_cents, currency, status, provider_reference, order_cancelled_at, order_cancel_reason, created_at, updated_at)
       values ($1, $2, $3, 100, 'USD', 'completed', 'sbx_ch_left', now() - interval '1 minute', 'Order cancelled: CUSTOMER_CANCELLED', now() - interval '1 minute', now() - interval '1 minute')`,
      [p.id, p.orderId, randomUUID()],
    );
    await eventually(async () => expect((await paymentOf(h, p.orderId))[0]!.status).to.equal('refunded'), { timeoutMs: 8_000 });
    expect(h.sandbox.refundsFor(`refund:${p.id}`)).to.equal(1);
  });

  it('when a pending payment is not past its deadline plus the grace, then the sweeper leaves it to the call working on it', async () => {
    const p = await leftPending({ deadlineMsAgo: -5_000 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await paymentOf(h, p.orderId))[0]!.status).to.equal('pending');
    expect(h.sandbox.callsFor(p.orderId)).to.equal(0);
  });

  it('when the command is redelivered after its deadline to a payment row an earlier delivery wrote, then the provider is asked: the charge it made stands (not PAYMENT_TIMEOUT)', async () => {
    const p = await leftPending({ deadlineMsAgo: 50 });
    await chargedBeforeTheCrash(p.orderId);
    await h.send('payment.authorize-payment', { ...authorizeCommand('tok_visa'), orderId: p.orderId, customerId: p.customerId, deadline: new Date(Date.now() - 50).toISOString() });
    expect((await settledRow(p.orderId)).status).to.equal('completed');
    expect(h.sandbox.chargesFor(p.orderId)).to.equal(1);
    expect(await eventsOf(h, p.orderId, 'payment.payment.completed')).to.have.length(1);
  });

  it('when a kept cancellation of an order without payment is older than a day, then the sweeper drops it (a fresh one stays)', async () => {
    const [old, fresh] = [randomUUID(), randomUUID()];
    await h.db.query(`insert into order_cancellations (order_id, reason, at) values ($1, 'Order cancelled: OUT_OF_STOCK', now() - interval '25 hours'), ($2, 'Order cancelled: OUT_OF_STOCK', now())`, [old, fresh]);
    await eventually(async () => {
      const { rows } = await h.db.query<{ order_id: string }>('select order_id from order_cancellations where order_id = any($1)', [[old, fresh]]);
      expect(rows.map((r) => r.order_id)).to.deep.equal([fresh]);
    }, { timeoutMs: 5_000 });
  });

  describe('a charge abandoned at the deadline (charge in doubt)', () => {
    const doubtOf = async (orderId: string) =>
      (await h.db.query<{ charge_in_doubt: boolean; failure_reason: string | null }>('select charge_in_doubt, failure_reason from payments where order_id = $1', [orderId])).rows[0];

    it('when the provider charges after the payment failed with PAYMENT_TIMEOUT, then the sweeper finds the charge and refunds it: failed → refunded, announced, money back once', async () => {
      // The charge takes 3 s; the deadline cuts the call after about 1.5 s (room for a slow delivery under load).
      const cmd = authorizeCommand('tok_slow_3000', { deadline: new Date(Date.now() + 1_500).toISOString() });
      await h.send('payment.authorize-payment', cmd);
      await eventually(async () => {
        if ((await paymentOf(h, cmd.orderId))[0]?.status !== 'pending') throw new Error('command not seen yet');
      });
      const failed = await settledRow(cmd.orderId);
      expect(failed).to.include({ status: 'failed', failure_reason: 'PAYMENT_TIMEOUT' });
      expect(await doubtOf(cmd.orderId)).to.deep.equal({ charge_in_doubt: true, failure_reason: 'PAYMENT_TIMEOUT' });
      const refunded = await eventually(async () => {
        const events = await eventsOf(h, cmd.orderId, 'payment.payment.refunded');
        if (events.length === 0) throw new Error('not refunded yet');
        return events;
      }, { timeoutMs: 8_000 });
      expect(refunded[0]!.data).to.include({ paymentId: failed.id, reason: 'Charge completed after the payment had failed with PAYMENT_TIMEOUT; refunded' });
      expect((await eventsOf(h, cmd.orderId, 'payment.payment.failed'))[0]!.data.reason).to.equal('PAYMENT_TIMEOUT');
      expect(await doubtOf(cmd.orderId)).to.deep.equal({ charge_in_doubt: false, failure_reason: 'PAYMENT_TIMEOUT' });
      expect((await historyOf(h, failed.id)).map((r) => r.to_status)).to.deep.equal(['pending', 'failed', 'refunded']);
      expect([h.sandbox.chargesFor(cmd.orderId), h.sandbox.refundsFor(`refund:${failed.id}`)]).to.deep.equal([1, 1]);
      expect(await metricValue(h, 'payment_sweeper_actions_total', 'action="late_charge_refunded"')).to.be.at.least(1);
      const shown = await h.api.get<{ status: string; failureReason: string; providerReference: string }>(`/api/v1/payments/${failed.id}`, { token: h.adminToken() });
      expect(shown.body).to.include({ status: 'refunded', failureReason: 'PAYMENT_TIMEOUT' });
      expect(shown.body.providerReference).to.match(/^sbx_ch_/);
    });

    it('when the provider never makes the abandoned charge (tok_timeout), then the doubt is cleared and the payment stays failed, nothing refunded', async () => {
      const cmd = authorizeCommand('tok_timeout', { deadline: new Date(Date.now() + 100).toISOString() });
      await h.send('payment.authorize-payment', cmd);
      await settledRow(cmd.orderId);
      await eventually(async () => expect(await doubtOf(cmd.orderId)).to.deep.equal({ charge_in_doubt: false, failure_reason: 'PAYMENT_TIMEOUT' }), { timeoutMs: 8_000 });
      const [row] = await paymentOf(h, cmd.orderId);
      expect(row!.status).to.equal('failed');
      expect(await eventsOf(h, cmd.orderId, 'payment.payment.refunded')).to.deep.equal([]);
      expect(h.sandbox.callsFor(`refund:${row!.id}`)).to.equal(0);
    });

    it('when an admin tries to refund the failed payment meanwhile, then 409 INVALID_TRANSITION (only the sweeper gives a late charge back)', async () => {
      const cmd = authorizeCommand('tok_timeout', { deadline: new Date(Date.now() + 100).toISOString() });
      await h.send('payment.authorize-payment', cmd);
      const row = await settledRow(cmd.orderId);
      const res = await h.api.post<{ code: string }>(`/api/v1/payments/${row.id}/refunds`, { reason: 'no' }, { token: h.adminToken(), headers: { 'idempotency-key': randomUUID() } });
      expect([res.status, res.body.code]).to.deep.equal([409, 'INVALID_TRANSITION']);
    });
  });
});
