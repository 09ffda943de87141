import { ConflictError, ValidationError, withIdempotency, type EntityManager, type StoredResponse } from '@commerce/shared';
import { Payment, orderCancelledReason, paymentNotFound, refundReasonOf } from '../domain/payment.js';
import { presentPayment } from '../http/presenters.js';
import { announceOutcome } from '../messaging/payment-events.js';
import type { PaymentContext } from './context.js';
import { recordChange } from './history.js';
import { lockOrder, lockPayment, lockPaymentOfOrder } from './payment-store.js';
import { callProvider } from './provider-calls.js';

/**
 * Asks the provider to refund a completed payment, OUTSIDE any transaction (a slow provider must
 * not hold a row lock or a connection), with the key `refund:<paymentId>`: however often this runs
 * for one payment (retries, a command and an event racing, an admin clicking twice), the provider
 * refunds once and answers every call with that one refund.
 */
export async function refundAtProvider(ctx: PaymentContext, payment: Pick<Payment, 'refundKey' | 'amountCents'>, providerReference: string): Promise<string> {
  const signal = AbortSignal.timeout(ctx.providerTimeoutMs);
  const request = { idempotencyKey: payment.refundKey, providerReference, amountCents: payment.amountCents };
  const result = await callProvider(ctx, 'refund', signal, () => ctx.provider.refund(request, signal));
  return result.refundReference;
}

/** In the caller's transaction, on the locked payment: completed → refunded, its history row and payment.payment.refunded. */
async function recordRefund(tx: EntityManager, payment: Payment, reason: string, refundReference: string): Promise<void> {
  const change = payment.refund(reason, refundReference);
  await recordChange(tx, payment.id, change);
  announceOutcome(tx, payment);
}

/**
 * Refunds a completed payment for the system (the refund command, a cancelled order, the sweeper):
 * the provider first, then one transaction with the status change, history and event. A payment
 * refunded meanwhile by another path (same provider refund, thanks to the key) is left as it is:
 * `refunded` is false then. Anything but completed is not touched.
 */
export async function refundCompletedPayment(ctx: PaymentContext, paymentId: string, reason: string): Promise<{ payment: Payment; refunded: boolean }> {
  const payment = await ctx.em.fork().findOne(Payment, { id: paymentId });
  if (!payment) throw paymentNotFound();
  if (payment.status !== 'completed') return { payment, refunded: false };
  const refundReference = await refundAtProvider(ctx, payment, payment.providerReference!);
  const result = await ctx.em.fork().transactional(async (tx) => {
    const locked = await lockPayment(tx, paymentId);
    if (locked.status !== 'completed') return { payment: locked, refunded: false };
    await recordRefund(tx, locked, reason, refundReference);
    return { payment: locked, refunded: true };
  });
  if (result.refunded) {
    ctx.metrics.refunded.inc();
    ctx.logger.info('payment refunded', { paymentId, orderId: payment.orderId, reason });
  }
  return result;
}

/**
 * The order no longer wants the money (payment.refund-payment, or order.order.cancelled). The
 * wish is first recorded on the payment (order_cancelled_at, with the refund's reason), in its own
 * transaction: a payment still pending is then refunded the moment its charge completes, and a
 * completed one whose refund is cut short by a crash is refunded by the sweeper. Then a completed
 * payment is refunded at once. An order without payment yet keeps the wish in order_cancellations
 * for the payment to take over when its authorize command arrives. Returns the payment as it
 * ended, null when the order has none.
 */
export async function refundWhenOrderCancelled(ctx: PaymentContext, orderId: string, reason: string): Promise<{ payment: Payment; refunded: boolean } | null> {
  const noted = await ctx.em.fork().transactional(async (tx) => {
    await lockOrder(tx, orderId);
    const payment = await lockPaymentOfOrder(tx, orderId);
    // No payment yet: kept until the authorize command creates it (authorize.ts takes it over).
    if (!payment) await tx.execute('insert into order_cancellations (order_id, reason, at) values (?, ?, ?) on conflict do nothing', [orderId, refundReasonOf(reason), new Date()]);
    else if (payment.status === 'pending' || payment.status === 'completed') payment.markOrderCancelled(reason);
    return payment;
  });
  if (!noted) return null;
  if (!noted.owesRefund) return { payment: noted, refunded: false };
  return refundCompletedPayment(ctx, noted.id, noted.orderCancelReason!);
}

/**
 * payment.refund-payment {orderId, reason}: as a cancelled order, and a payment already refunded
 * (before, or just now by a racing path) is announced again, so the order service hears the
 * outcome of every refund it asks for. Nothing is refunded twice.
 */
export async function refundPaymentOfOrder(ctx: PaymentContext, command: { orderId: string; reason: string }): Promise<Payment | null> {
  // The schema admits a reason of spaces; the history needs words.
  const outcome = await refundWhenOrderCancelled(ctx, command.orderId, command.reason.trim() || 'Refund asked for by the order service');
  if (!outcome) {
    ctx.logger.warn('refund asked for an order without payment yet: kept for its payment', { orderId: command.orderId });
    return null;
  }
  const { payment, refunded } = outcome;
  if (payment.status === 'refunded' && !refunded) {
    await ctx.em.fork().transactional(async (tx) => {
      announceOutcome(tx, payment);
    });
    ctx.logger.info('payment already refunded: refund announced again', { orderId: payment.orderId });
  } else if (payment.status !== 'refunded') {
    // Pending: refunded when its charge completes. Failed: no money was taken.
    ctx.logger.info('refund asked for a payment that is not completed', { orderId: payment.orderId, status: payment.status });
  }
  return payment;
}

/** order.order.cancelled {orderId, reason}: the order's money must not be kept. */
export function refundCancelledOrder(ctx: PaymentContext, event: { orderId: string; reason: string }) {
  return refundWhenOrderCancelled(ctx, event.orderId, orderCancelledReason(event.reason));
}

/**
 * Endpoint 44, an admin's refund. The provider is asked first, outside any transaction, and only
 * for a payment that is completed right now; then withIdempotency runs the status change, the
 * history row, the event and the stored 202 in ONE transaction on the locked row. So a retry with
 * the same key replays the 202, a second refund with another key is 409 INVALID_TRANSITION, a
 * payment that is not completed is 409 without asking the provider, and a provider that does not
 * answer leaves everything as it was (500; the same request may be retried).
 */
export async function refundByAdmin(ctx: PaymentContext, input: { paymentId: string; adminId: string; key: string; reason: string }): Promise<StoredResponse> {
  // The contract bounds the length; only a reason of spaces gets past it.
  if (input.reason.trim().length === 0) {
    throw new ValidationError('The refund reason must not be blank.', [{ path: '/body/reason', message: 'must not be blank' }]);
  }
  const current = await ctx.em.fork().findOne(Payment, { id: input.paymentId });
  if (!current) throw paymentNotFound();
  const refundReference = current.status === 'completed' ? await refundAtProvider(ctx, current, current.providerReference!) : null;
  const { response, replayed } = await withIdempotency(
    ctx.em.fork(),
    { scope: `payment:refund:${input.adminId}`, key: input.key, request: { paymentId: input.paymentId, reason: input.reason } },
    async (tx): Promise<StoredResponse> => {
      const payment = await lockPayment(tx, input.paymentId);
      payment.assertRefundable();
      // It was pending when the provider would have been asked, and completed since: ask again.
      if (refundReference === null) throw new ConflictError('INVALID_TRANSITION', 'The payment changed while it was being refunded; try again.');
      await recordRefund(tx, payment, input.reason, refundReference);
      return { status: 202, headers: {}, body: presentPayment(payment) };
    },
  );
  if (!replayed) {
    ctx.metrics.refunded.inc();
    ctx.logger.info('payment refunded by an admin', { paymentId: input.paymentId, adminId: input.adminId });
  }
  return response;
}
