import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { authorizeCommand, eventsOf, historyOf, inSeconds, metricValue, paymentOf, settledPayment, usePaymentService } from '../support/harness.js';

describe('refunds by message: payment.refund-payment and order.order.cancelled on payment.commands', () => {
  const h = usePaymentService();

  const refundedEvents = (orderId: string, atLeast = 1) =>
    eventually(async () => {
      const events = await eventsOf(h, orderId, 'payment.payment.refunded');
      if (events.length < atLeast) throw new Error(`${events.length} refunded events so far`);
      return events;
    });
  /** Lets the consumer drain what was sent (a message that should change nothing has nothing to wait for). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  describe('payment.refund-payment', () => {
    it('when the order service asks for the refund of a completed payment, then it is refunded once, with the reason, and announced; the counter moves', async () => {
      const p = await settledPayment(h);
      const counted = await metricValue(h, 'payments_refunded_total');
      await h.send('payment.refund-payment', { orderId: p.orderId, reason: 'Cancelled by the customer' });
      const [event] = await refundedEvents(p.orderId);
      expect(event!.data).to.deep.equal({ orderId: p.orderId, paymentId: p.paymentId, customerId: p.customerId, amountCents: 5148, currency: 'USD', reason: 'Cancelled by the customer' });
      expect(event!.correlationId).to.equal(p.orderId);
      expect((await paymentOf(h, p.orderId))[0]!.status).to.equal('refunded');
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
      expect(await metricValue(h, 'payments_refunded_total')).to.be.at.least(counted + 1);
    });

    it('when the command is delivered twice and repeated with a new message id, then one refund, one history row, and every command is answered with refunded', async () => {
      const p = await settledPayment(h);
      const envelope = await h.send('payment.refund-payment', { orderId: p.orderId, reason: 'Cancelled' });
      await h.resend(envelope);
      await h.send('payment.refund-payment', { orderId: p.orderId, reason: 'Cancelled' });
      const events = await refundedEvents(p.orderId, 3);
      expect(new Set(events.map((e) => e.data.paymentId))).to.deep.equal(new Set([p.paymentId]));
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
      expect((await historyOf(h, p.paymentId)).map((r) => r.to_status)).to.deep.equal(['pending', 'completed', 'refunded']);
    });

    it('when the payment failed or the order has none, then nothing is refunded and nothing announced', async () => {
      const failed = await settledPayment(h, 'tok_chargeDeclined');
      await h.send('payment.refund-payment', { orderId: failed.orderId, reason: 'Cancelled' });
      await h.send('payment.refund-payment', { orderId: randomUUID(), reason: 'Cancelled' });
      await settle();
      expect(h.sandbox.callsFor(`refund:${failed.paymentId}`)).to.equal(0);
      expect(await eventsOf(h, failed.orderId, 'payment.payment.refunded')).to.deep.equal([]);
      expect((await paymentOf(h, failed.orderId))[0]!.status).to.equal('failed');
    });
  });

  describe('order.order.cancelled', () => {
    const cancelled = (orderId: string, customerId: string, reason = 'CUSTOMER_CANCELLED') => h.send('order.order.cancelled', { orderId, customerId, reason });

    it('when the order of a completed payment is cancelled, then the payment is refunded ("Order cancelled: <reason>") and announced', async () => {
      const p = await settledPayment(h);
      await cancelled(p.orderId, p.customerId, 'ADMIN_CANCELLED');
      const [event] = await refundedEvents(p.orderId);
      expect(event!.data.reason).to.equal('Order cancelled: ADMIN_CANCELLED');
      expect((await historyOf(h, p.paymentId)).at(-1)).to.deep.equal({ from_status: 'completed', to_status: 'refunded', reason: 'Order cancelled: ADMIN_CANCELLED' });
    });

    it('when the cancellation and the refund command arrive together, and again, then the provider refunds once', async () => {
      const p = await settledPayment(h);
      await Promise.all([
        cancelled(p.orderId, p.customerId),
        h.send('payment.refund-payment', { orderId: p.orderId, reason: 'Cancelled by the customer' }),
        cancelled(p.orderId, p.customerId),
      ]);
      await refundedEvents(p.orderId);
      await settle();
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
      expect((await historyOf(h, p.paymentId)).filter((r) => r.to_status === 'refunded')).to.have.length(1);
    });

    it('when the order of a failed payment, or an order without payment, is cancelled, then nothing happens', async () => {
      const failed = await settledPayment(h, 'tok_insufficientFunds');
      await cancelled(failed.orderId, failed.customerId, 'PAYMENT_INSUFFICIENT_FUNDS');
      await cancelled(randomUUID(), randomUUID(), 'OUT_OF_STOCK');
      await settle();
      expect(h.sandbox.callsFor(`refund:${failed.paymentId}`)).to.equal(0);
      expect(await eventsOf(h, failed.orderId, 'payment.payment.refunded')).to.deep.equal([]);
    });

    it('when the order is cancelled while its charge is still running and the charge then completes, then the money goes back at once: completed, then refunded', async () => {
      const cmd = authorizeCommand('tok_slow');
      await h.send('payment.authorize-payment', cmd);
      await eventually(async () => {
        if ((await paymentOf(h, cmd.orderId))[0]?.status !== 'pending') throw new Error('not pending yet');
      });
      await cancelled(cmd.orderId, cmd.customerId, 'PAYMENT_TIMEOUT');
      const [event] = await refundedEvents(cmd.orderId);
      expect(event!.data.reason).to.equal('Order cancelled: PAYMENT_TIMEOUT');
      const types = (await eventsOf(h, cmd.orderId, 'payment.payment.completed')).length;
      expect(types).to.equal(1);
      const [row] = await paymentOf(h, cmd.orderId);
      expect((await historyOf(h, row!.id)).map((r) => r.to_status)).to.deep.equal(['pending', 'completed', 'refunded']);
      expect(h.sandbox.refundsFor(`refund:${row!.id}`)).to.equal(1);
    });

    it('when the refund command comes while the charge is still running, then the charge is refunded when it completes', async () => {
      const cmd = authorizeCommand('tok_slow');
      await h.send('payment.authorize-payment', cmd);
      await eventually(async () => {
        if ((await paymentOf(h, cmd.orderId))[0]?.status !== 'pending') throw new Error('not pending yet');
      });
      await h.send('payment.refund-payment', { orderId: cmd.orderId, reason: 'Late charge of a cancelled order' });
      const [event] = await refundedEvents(cmd.orderId);
      expect(event!.data.reason).to.equal('Late charge of a cancelled order');
    });
  });

  describe('an order cancelled before its payment exists', () => {
    const tombstones = async (orderId: string) => (await h.db.query('select reason from order_cancellations where order_id = $1', [orderId])).rows;

    it('when the authorize command arrives after the cancellation (deadline ahead), then the payment inherits it: the charge completes and is refunded at once', async () => {
      const cmd = authorizeCommand('tok_visa');
      await h.send('order.order.cancelled', { orderId: cmd.orderId, customerId: cmd.customerId, reason: 'CUSTOMER_CANCELLED' });
      await eventually(async () => expect(await tombstones(cmd.orderId)).to.deep.equal([{ reason: 'Order cancelled: CUSTOMER_CANCELLED' }]));
      await h.send('payment.authorize-payment', cmd);
      const [event] = await refundedEvents(cmd.orderId);
      expect(event!.data.reason).to.equal('Order cancelled: CUSTOMER_CANCELLED');
      const [row] = await paymentOf(h, cmd.orderId);
      expect((await historyOf(h, row!.id)).map((r) => r.to_status)).to.deep.equal(['pending', 'completed', 'refunded']);
      expect([h.sandbox.chargesFor(cmd.orderId), h.sandbox.refundsFor(`refund:${row!.id}`)]).to.deep.equal([1, 1]);
      expect(await tombstones(cmd.orderId)).to.deep.equal([]);
    });

    it('when the cancellation and the authorize command race, then either way the charge, if made, is refunded', async () => {
      const cmd = authorizeCommand('tok_visa');
      await Promise.all([
        h.send('payment.authorize-payment', cmd),
        h.send('order.order.cancelled', { orderId: cmd.orderId, customerId: cmd.customerId, reason: 'ADMIN_CANCELLED' }),
      ]);
      await refundedEvents(cmd.orderId);
      const [row] = await paymentOf(h, cmd.orderId);
      expect(row!.status).to.equal('refunded');
      expect(await tombstones(cmd.orderId)).to.deep.equal([]);
    });

    it('when its deadline has passed by the time the command arrives, then nothing is charged and nothing refunded', async () => {
      const cmd = authorizeCommand('tok_visa', { deadline: inSeconds(-1) });
      await h.send('order.order.cancelled', { orderId: cmd.orderId, customerId: cmd.customerId, reason: 'PAYMENT_TIMEOUT' });
      await eventually(async () => expect(await tombstones(cmd.orderId)).to.have.length(1));
      await h.send('payment.authorize-payment', cmd);
      await eventually(async () => expect((await paymentOf(h, cmd.orderId))[0]?.status).to.equal('failed'));
      await settle();
      expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(0);
      expect(await eventsOf(h, cmd.orderId, 'payment.payment.refunded')).to.deep.equal([]);
    });
  });

  describe('a repeated authorize command', () => {
    it('when the payment was refunded since, then refunded is announced again (not completed), and nothing is charged', async () => {
      const p = await settledPayment(h);
      await h.send('payment.refund-payment', { orderId: p.orderId, reason: 'Cancelled' });
      await refundedEvents(p.orderId);
      await h.send('payment.authorize-payment', { ...authorizeCommand('tok_visa'), orderId: p.orderId, customerId: p.customerId, deadline: inSeconds(10) });
      const events = await refundedEvents(p.orderId, 2);
      expect(events[1]!.data.reason).to.equal('Cancelled');
      expect(await eventsOf(h, p.orderId, 'payment.payment.completed')).to.have.length(1);
      expect(h.sandbox.chargesFor(p.orderId)).to.equal(1);
    });
  });
});
