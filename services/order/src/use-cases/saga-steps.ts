import type { EntityManager } from '@commerce/shared';
import type { Order, OrderChange } from '../domain/order.js';
import { decide, isWorking, type SagaDecision, type SagaEvent } from '../domain/saga.js';
import { Saga } from '../domain/saga-instance.js';
import { sendCommand } from '../messaging/order-messages.js';
import type { OrderContext } from './context.js';
import { recordChanges } from './order-store.js';

/** An answer that came too early to apply (a refund before its charge): thrown so the bus retries the message later. */
export class DeferredMessageError extends Error {
  override readonly name = 'DeferredMessageError';
}

export interface StepResult {
  decision: SagaDecision;
  /** Counts the step in the metrics; call it only after the transaction committed. */
  count: () => void;
}

/** When the catalog releases a reservation nobody finished: from the order's creation, so a resend asks for the same. */
export const reservationExpiresAt = (order: Order, ctx: Pick<OrderContext, 'saga'>) => new Date(order.createdAt.getTime() + ctx.saga.reservationTtlMs);

/**
 * One saga step, in the caller's transaction, on an order whose row lock the caller holds
 * (lockOrder): the saga row is read, `decide` says what the event means, and the order's status
 * changes, their history rows, the saga's new state and every command go into the same commit.
 * The payment token is read before the saga leaves reserving_stock and is gone from the row in
 * the commit that writes the authorize command carrying it.
 */
export async function advanceSaga(tx: EntityManager, ctx: OrderContext, order: Order, event: SagaEvent, now = new Date()): Promise<StepResult> {
  const saga = await tx.findOneOrFail(Saga, { orderId: order.id }, { refresh: true });
  const decision = decide(
    { state: saga.state, orderStatus: order.status, paymentStatus: order.paymentStatus, attempts: saga.attempts },
    event,
    { maxReserveAttempts: ctx.saga.maxReserveAttempts },
  );
  if (decision.defer) throw new DeferredMessageError(`order ${order.id}: ${decision.note}`);

  const changes: OrderChange[] = [];
  if (decision.payment) changes.push(order.movePayment(decision.payment.to, decision.payment.actor, decision.payment.reason, now));
  if (decision.order?.to === 'processing') changes.push(order.confirm(now));
  if (decision.order?.to === 'cancelled') changes.push(order.cancel(decision.order.reason, decision.order.actor, decision.order.note, now));

  const before = { state: saga.state, startedAt: saga.stepStartedAt };
  const paymentToken = saga.paymentToken;
  if (decision.saga) saga.enter(decision.saga, ctx.saga.timeouts, now);
  else if (decision.retry) saga.retried(ctx.saga.timeouts, now);

  const commandContext = { paymentToken, stepDeadline: saga.stepDeadline, reservationExpiresAt: reservationExpiresAt(order, ctx) };
  for (const command of decision.commands) sendCommand(tx, order, command, commandContext);
  await recordChanges(tx, order.id, changes);

  if (decision.saga || decision.retry || changes.length > 0) ctx.logger.info('saga step', { orderId: order.id, event: event.type, from: before.state, to: saga.state, note: decision.note });
  else ctx.logger.debug('saga event without effect', { orderId: order.id, event: event.type, state: saga.state, note: decision.note });

  const count = () => {
    if (decision.saga && isWorking(before.state)) {
      ctx.metrics.stepDuration.observe({ step: before.state, outcome: decision.saga }, Math.max(0, now.getTime() - before.startedAt.getTime()) / 1000);
    }
    // The saga leaves its working states once, to completed (confirmed) or compensated / cancelled.
    if (decision.saga && isWorking(before.state) && !isWorking(decision.saga)) {
      ctx.metrics.sagaDuration.observe({ outcome: decision.saga === 'completed' ? 'confirmed' : 'cancelled' }, Math.max(0, now.getTime() - order.createdAt.getTime()) / 1000);
    }
    if (decision.order?.to === 'processing') ctx.metrics.confirmed.inc();
    if (decision.order?.to === 'cancelled') ctx.metrics.cancelled.inc({ reason: decision.order.reason });
  };
  return { decision, count };
}
