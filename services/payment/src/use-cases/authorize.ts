import type { EntityManager } from '@commerce/shared';
import { Payment } from '../domain/payment.js';
import { announceOutcome } from '../messaging/payment-events.js';
import type { PaymentContext } from './context.js';
import { recordChange } from './history.js';
import { lockOrder } from './payment-store.js';
import { ProviderNoAnswerError, callProvider } from './provider-calls.js';
import { refundCompletedPayment } from './refund.js';
import { ABANDONED, TIMED_OUT, lookUpCharge, outcomeOf, settlePayment, type Outcome } from './settle.js';

/** payment.authorize-payment's data (contracts/events). */
export interface AuthorizeCommand {
  orderId: string;
  customerId: string;
  amountCents: number;
  currency: string;
  paymentToken: string;
  deadline: string;
}

/**
 * Handles payment.authorize-payment:
 * 1. creates the payment row (pending, with its deadline and history row) on first sight of the
 *    order, BEFORE the provider is called, so a process killed mid-call leaves a trace the sweeper
 *    finds; the unique order id makes concurrent or repeated commands share one row;
 * 2. a payment already final re-announces its outcome (completed, failed, or refunded: the order
 *    service then records the refund rather than asking for one) and charges nothing; a completed
 *    one whose cancelled order is still owed its money is refunded instead;
 * 3. otherwise the provider is called OUTSIDE any transaction, with the order id as idempotency
 *    key (so every attempt, by any delivery, is the same charge) and a signal that aborts at the
 *    command's deadline; transient failures are retried with backoff until then;
 * 4. settlePayment writes the outcome (status, history, event) on the locked row, and refunds at
 *    once if the order was cancelled meanwhile.
 * Past the deadline: if this delivery created the row, nothing was ever sent and the payment fails
 * with PAYMENT_TIMEOUT; if the row was already there, an earlier delivery may have reached the
 * provider before its process died, so the provider is asked what became of that charge.
 */
export async function authorizePayment(ctx: PaymentContext, command: AuthorizeCommand): Promise<Payment> {
  const { payment, inserted } = await firstSight(ctx.em.fork(), command);
  if (payment.isFinal) {
    if (payment.owesRefund) return (await refundCompletedPayment(ctx, payment.id, payment.orderCancelReason!)).payment;
    await ctx.em.fork().transactional(async (tx) => {
      announceOutcome(tx, payment);
    });
    ctx.logger.info('payment already final: outcome announced again', { orderId: payment.orderId, status: payment.status });
    return payment;
  }

  const remainingMs = new Date(command.deadline).getTime() - Date.now();
  let outcome: Outcome;
  if (remainingMs > 0) outcome = await charge(ctx, command, remainingMs);
  // The saga has given up already: charging now could only charge an order being cancelled.
  else outcome = inserted ? TIMED_OUT : await lookUpCharge(ctx, command.orderId);
  return settlePayment(ctx, payment.id, outcome);
}

/**
 * The payment row, created on first sight. An order cancelled before this (order_cancellations)
 * hands its cancellation over to the new payment, so the charge, if it completes, is refunded at
 * once. (Not charging at all would need a failure reason the saga does not have; the order
 * service ignores the outcome of a cancelled order's payment either way.)
 */
async function firstSight(em: EntityManager, command: AuthorizeCommand): Promise<{ payment: Payment; inserted: boolean }> {
  return em.transactional(async (tx) => {
    await lockOrder(tx, command.orderId);
    const fresh = new Payment({ ...command, deadline: new Date(command.deadline) });
    const inserted = (await tx.execute(
      `insert into payments (id, order_id, customer_id, amount_cents, currency, status, deadline, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'pending', ?, ?, ?) on conflict (order_id) do nothing returning id`,
      [fresh.id, fresh.orderId, fresh.customerId, fresh.amountCents, fresh.currency, fresh.deadline, fresh.createdAt, fresh.updatedAt],
    )) as unknown[];
    if (inserted.length > 0) {
      await recordChange(tx, fresh.id, fresh.created());
      await tx.execute(
        `with taken as (delete from order_cancellations where order_id = ? returning reason, at)
         update payments set order_cancelled_at = taken.at, order_cancel_reason = taken.reason from taken where payments.id = ?`,
        [fresh.orderId, fresh.id],
      );
    }
    return { payment: await tx.findOneOrFail(Payment, { orderId: command.orderId }), inserted: inserted.length > 0 };
  });
}

async function charge(ctx: PaymentContext, command: AuthorizeCommand, remainingMs: number): Promise<Outcome> {
  const signal = AbortSignal.timeout(remainingMs);
  const request = { idempotencyKey: command.orderId, amountCents: command.amountCents, currency: command.currency, token: command.paymentToken };
  try {
    const result = await callProvider(ctx, 'charge', signal, () => ctx.provider.charge(request, signal), (r) => (r.outcome === 'succeeded' ? 'ok' : 'declined'));
    return outcomeOf(result);
  } catch (error) {
    // The call may have reached the provider and may still charge: the sweeper asks again.
    if (error instanceof ProviderNoAnswerError) return ABANDONED;
    throw error;
  }
}
