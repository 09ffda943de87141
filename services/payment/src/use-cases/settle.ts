import { Payment, paymentNotFound, type FailureReason } from '../domain/payment.js';
import { announceOutcome } from '../messaging/payment-events.js';
import type { ChargeResult } from '../provider/provider.js';
import type { PaymentContext } from './context.js';
import { recordChange } from './history.js';
import { lockPayment } from './payment-store.js';
import { callProvider } from './provider-calls.js';
import { refundAtProvider, refundCompletedPayment } from './refund.js';

/** What the provider made of a charge, as the payment records it. */
export type Outcome = { kind: 'charged'; providerReference: string } | { kind: 'failed'; reason: FailureReason; chargeInDoubt?: boolean };

export const TIMED_OUT: Outcome = { kind: 'failed', reason: 'PAYMENT_TIMEOUT' };

/** The deadline cut a charge call short: the provider may still make that charge (see settleChargeInDoubt). */
export const ABANDONED: Outcome = { kind: 'failed', reason: 'PAYMENT_TIMEOUT', chargeInDoubt: true };

/** A provider's answer as an outcome; no charge on record means no money was taken: PAYMENT_TIMEOUT. */
export function outcomeOf(result: ChargeResult | null): Outcome {
  if (result === null) return TIMED_OUT;
  return result.outcome === 'succeeded' ? { kind: 'charged', providerReference: result.providerReference } : { kind: 'failed', reason: result.reason };
}

/**
 * Asks the provider what became of the order's charge (idempotency key = order id), when the
 * caller cannot charge again: the token left with the command, or the deadline has passed. Used
 * for a payment whose process died mid-call, so its pending row is never failed while the
 * provider holds the money. No answer within PAYMENT_PROVIDER_TIMEOUT_MS throws
 * ProviderNoAnswerError: the payment stays pending and is asked about again.
 */
export async function lookUpCharge(ctx: PaymentContext, orderId: string): Promise<Outcome> {
  const signal = AbortSignal.timeout(ctx.providerTimeoutMs);
  const result = await callProvider(
    ctx,
    'lookup',
    signal,
    () => ctx.provider.findCharge(orderId, signal),
    (r) => (r === null ? 'none' : r.outcome === 'succeeded' ? 'ok' : 'declined'),
  );
  return outcomeOf(result);
}

/**
 * Writes a charge's outcome: in one transaction on the locked row, the status change, its history
 * row and the outcome event. If another delivery (or the sweeper) settled it first, its outcome
 * stands and nothing is written. Then, if the order was cancelled while the payment was pending
 * and the charge completed, the money goes back at once (refundCompletedPayment).
 */
export async function settlePayment(ctx: PaymentContext, paymentId: string, outcome: Outcome): Promise<Payment> {
  const { payment, changed } = await ctx.em.fork().transactional(async (tx) => {
    const locked = await lockPayment(tx, paymentId);
    if (locked.isFinal) return { payment: locked, changed: false };
    const change = outcome.kind === 'charged' ? locked.complete(outcome.providerReference) : locked.fail(outcome.reason, new Date(), outcome.chargeInDoubt ?? false);
    await recordChange(tx, locked.id, change);
    announceOutcome(tx, locked);
    return { payment: locked, changed: true };
  });
  if (changed) ctx.metrics.payments.inc({ outcome: outcome.kind === 'charged' ? 'completed' : metricOutcome(outcome.reason) });
  if (changed && outcome.kind === 'charged') ctx.metrics.revenue.inc({ currency: payment.currency }, payment.amountCents);
  if (payment.owesRefund) {
    ctx.logger.warn('charge completed for a cancelled order: refunding it', { orderId: payment.orderId, paymentId: payment.id });
    return (await refundCompletedPayment(ctx, payment.id, payment.orderCancelReason!)).payment;
  }
  return payment;
}

/**
 * A payment failed with PAYMENT_TIMEOUT while its charge call was in flight: the provider is asked
 * once more (by the order's key) what became of it. No charge, or a decline: the failure is
 * settled. A charge after all: the money is refunded at once (key refund:<paymentId>), then, in
 * one transaction, failed → refunded with its history row and payment.payment.refunded, which the
 * order service records on the cancelled order. No answer: the next sweep asks again.
 */
export async function settleChargeInDoubt(ctx: PaymentContext, paymentId: string): Promise<Payment> {
  const payment = await ctx.em.fork().findOne(Payment, { id: paymentId });
  if (!payment) throw paymentNotFound();
  if (!payment.chargeInDoubt) return payment;
  const outcome = await lookUpCharge(ctx, payment.orderId);
  const refundReference = outcome.kind === 'charged' ? await refundAtProvider(ctx, payment, outcome.providerReference) : null;
  const { settled, refunded } = await ctx.em.fork().transactional(async (tx) => {
    const locked = await lockPayment(tx, paymentId);
    if (!locked.chargeInDoubt) return { settled: locked, refunded: false };
    if (outcome.kind === 'failed' || refundReference === null) {
      locked.clearChargeDoubt();
      return { settled: locked, refunded: false };
    }
    await recordChange(tx, locked.id, locked.refundLateCharge(outcome.providerReference, refundReference));
    announceOutcome(tx, locked);
    return { settled: locked, refunded: true };
  });
  if (refunded) {
    ctx.metrics.refunded.inc();
    ctx.logger.warn('a charge abandoned at the deadline went through: refunded', { orderId: payment.orderId, paymentId });
  }
  return settled;
}

function metricOutcome(reason: FailureReason) {
  return reason === 'PAYMENT_DECLINED' ? 'declined' : reason === 'PAYMENT_INSUFFICIENT_FUNDS' ? 'insufficient_funds' : 'timeout';
}
