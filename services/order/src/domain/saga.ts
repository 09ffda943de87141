import { defineStateMachine } from '@commerce/shared';
import type { Actor, FailureReason, PaymentFailure } from './order.js';
import { orderStatus, type OrderStatus } from './order-status.js';
import type { PaymentStatus } from './payment-status.js';

/**
 * Where a checkout saga stands. The three working states each wait for one answer and carry a
 * step deadline; the three final ones wait for nothing (late answers to them are still
 * compensated, see `decide`).
 * - reserving_stock: catalog.reserve-stock sent, waiting for reserved | reservation-rejected
 * - authorizing_payment: payment.authorize-payment sent, waiting for completed | failed
 * - committing_stock: catalog.commit-stock sent (the money is taken), waiting for committed
 * - completed: the order is processing; a cancel of it still moves the saga (refund + restock)
 * - compensated: the saga gave up (rejection, decline, deadline, expired reservation)
 * - cancelled: a customer or admin cancelled the order
 */
export type SagaState = 'reserving_stock' | 'authorizing_payment' | 'committing_stock' | 'completed' | 'compensated' | 'cancelled';

export const sagaState = defineStateMachine<SagaState>('saga', {
  reserving_stock: ['authorizing_payment', 'compensated', 'cancelled'],
  authorizing_payment: ['committing_stock', 'compensated', 'cancelled'],
  committing_stock: ['completed', 'compensated', 'cancelled'],
  completed: ['cancelled'],
  compensated: [],
  cancelled: [],
});

/** The working states: the ones with a step deadline the sweeper watches. */
export const WORKING_STATES: readonly SagaState[] = ['reserving_stock', 'authorizing_payment', 'committing_stock'];
export const isWorking = (state: SagaState) => WORKING_STATES.includes(state);

/** Which step timeout a working state's deadline is measured with. */
export type StepKind = 'stock' | 'payment';
export const stepKindOf = (state: SagaState): StepKind => (state === 'authorizing_payment' ? 'payment' : 'stock');

/** What reaches the saga: the other services' answers, its own step deadline, and a cancel over HTTP. */
export type SagaEvent =
  | { type: 'stock.reserved' }
  | { type: 'stock.rejected' }
  | { type: 'stock.committed' }
  | { type: 'stock.released'; reason: string | null }
  | { type: 'stock.restocked' }
  | { type: 'payment.completed' }
  | { type: 'payment.failed'; reason: PaymentFailure }
  | { type: 'payment.refunded'; reason: string }
  | { type: 'deadline' }
  | { type: 'cancel'; by: Extract<Actor, 'customer' | 'admin'>; note: string | null };

/** What the saga sends; the use case fills in the data from the order (contracts/events). */
export type SagaCommand =
  | { type: 'catalog.reserve-stock' }
  | { type: 'catalog.commit-stock' }
  | { type: 'catalog.release-stock'; reason: string }
  | { type: 'catalog.restock'; reason: string }
  | { type: 'payment.authorize-payment' }
  | { type: 'payment.refund-payment'; reason: string }
  | { type: 'order.order.confirmed' }
  | { type: 'order.order.cancelled'; reason: FailureReason };

/** The saga as the decision needs it: its state, the order's two statuses, the resends of the current step. */
export interface SagaView {
  state: SagaState;
  orderStatus: OrderStatus;
  paymentStatus: PaymentStatus;
  attempts: number;
}

export interface SagaPolicy {
  /** How many times reserve-stock is sent in all before the order is cancelled OUT_OF_STOCK. */
  maxReserveAttempts: number;
}

/**
 * The outcome of one event: every field optional but `commands` and `note`.
 * - `saga`: the new state (a working one starts its step: new deadline, attempts 0)
 * - `retry`: the current step is sent again (attempts + 1, new deadline)
 * - `order`: the order's status change; `payment`: its payment status change
 * - `defer`: the event came too early to apply (the message is retried later)
 * - `note`: what happened, for the log
 */
export interface SagaDecision {
  saga?: SagaState;
  retry?: true;
  order?: { to: 'processing' } | { to: 'cancelled'; reason: FailureReason; actor: Actor; note: string | null };
  payment?: { to: PaymentStatus; actor: Actor; reason: string | null };
  commands: SagaCommand[];
  defer?: true;
  note: string;
}

const nothing = (note: string): SagaDecision => ({ commands: [], note });

/** Gives up: the order is cancelled for `reason`, a pending payment fails, the cart hears it. */
function giveUp(view: SagaView, reason: FailureReason, commands: SagaCommand[], note: string): SagaDecision {
  return {
    saga: 'compensated',
    order: { to: 'cancelled', reason, actor: 'system', note: null },
    ...(view.paymentStatus === 'pending' ? { payment: { to: 'failed' as const, actor: 'system' as const, reason } } : {}),
    commands: [...commands, { type: 'order.order.cancelled', reason }],
    note,
  };
}

/** A cancel by the customer or an admin, from any state whose order may still be cancelled. */
function cancel(view: SagaView, event: Extract<SagaEvent, { type: 'cancel' }>): SagaDecision {
  // 409 INVALID_TRANSITION for shipped, delivered or already cancelled orders, before anything changes.
  orderStatus.assert(view.orderStatus, 'cancelled');
  const reason: FailureReason = event.by === 'admin' ? 'ADMIN_CANCELLED' : 'CUSTOMER_CANCELLED';
  const commands: SagaCommand[] = [];
  if (view.state === 'completed') {
    // A processing order: its stock was committed and its payment taken.
    commands.push({ type: 'catalog.restock', reason }, { type: 'payment.refund-payment', reason });
  } else {
    // Whatever is held is released; a reservation still on its way is released when it arrives.
    commands.push({ type: 'catalog.release-stock', reason });
    // committing_stock: the money is taken. (authorizing_payment: a charge still in flight is
    // refunded when its late completed arrives.)
    if (view.paymentStatus === 'completed') commands.push({ type: 'payment.refund-payment', reason });
  }
  commands.push({ type: 'order.order.cancelled', reason });
  return {
    saga: 'cancelled',
    order: { to: 'cancelled', reason, actor: event.by, note: event.note },
    ...(view.paymentStatus === 'pending' ? { payment: { to: 'failed' as const, actor: event.by, reason } } : {}),
    commands,
    note: `cancelled by ${event.by}`,
  };
}

/** payment.refunded, in any state: the payment status follows; a refund before its charge was seen waits. */
function refunded(view: SagaView, reason: string): SagaDecision {
  switch (view.paymentStatus) {
    case 'completed':
      return { payment: { to: 'refunded', actor: 'system', reason }, commands: [], note: 'payment refunded' };
    case 'failed':
      return { payment: { to: 'refunded', actor: 'system', reason: `late charge refunded: ${reason}` }, commands: [], note: 'late charge refunded' };
    case 'refunded':
      return nothing('refund already recorded');
    case 'pending':
      return { commands: [], defer: true, note: 'refund before the payment outcome: retried later' };
  }
}

/**
 * Answers after the saga finished (or was cancelled) are compensated, never ignored: stock that
 * is reserved or committed for an order that will not be fulfilled is given back, and a charge
 * that succeeded for it is refunded. Commands are idempotent at their services, so a duplicate
 * of such an answer only sends the (harmless) command again.
 */
function lateAnswer(view: SagaView, event: SagaEvent): SagaDecision {
  switch (event.type) {
    case 'stock.reserved':
      return { commands: [{ type: 'catalog.release-stock', reason: view.orderStatus === 'cancelled' ? 'late reservation of a cancelled order' : 'late reservation' }], note: 'late reservation released' };
    case 'stock.committed':
      return { commands: [{ type: 'catalog.restock', reason: 'late commit of a cancelled order' }], note: 'late commit restocked' };
    case 'payment.completed':
      return { commands: [{ type: 'payment.refund-payment', reason: 'late charge of a cancelled order' }], note: 'late charge refunded' };
    default:
      return nothing(`${event.type} after the saga ended: nothing to do`);
  }
}

/**
 * THE saga: given where it stands and what happened, what changes and what is sent. Pure (no
 * I/O, no clock): the use case loads the view under the order's row lock, applies the decision
 * and writes the commands to the outbox in the same transaction. Events that make no sense in a
 * state (a duplicate, an answer to a step already passed) change nothing.
 */
export function decide(view: SagaView, event: SagaEvent, policy: SagaPolicy): SagaDecision {
  if (event.type === 'cancel') return cancel(view, event);
  if (event.type === 'payment.refunded') return refunded(view, event.reason);
  if (event.type === 'stock.restocked') return nothing('restock confirmed');

  switch (view.state) {
    case 'reserving_stock':
      switch (event.type) {
        case 'stock.reserved':
          return { saga: 'authorizing_payment', commands: [{ type: 'payment.authorize-payment' }], note: 'stock reserved: payment requested' };
        case 'stock.rejected':
          // Nothing is held (the catalog reserves all lines or none) and no payment is attempted.
          return giveUp(view, 'OUT_OF_STOCK', [], 'stock rejected');
        case 'deadline':
          if (view.attempts + 1 < policy.maxReserveAttempts) return { retry: true, commands: [{ type: 'catalog.reserve-stock' }], note: 'reserve-stock sent again' };
          return giveUp(view, 'OUT_OF_STOCK', [{ type: 'catalog.release-stock', reason: 'OUT_OF_STOCK' }], 'no answer to reserve-stock: cancelled');
        default:
          return nothing(`${event.type} while reserving stock: ignored`);
      }
    case 'authorizing_payment':
      switch (event.type) {
        case 'payment.completed':
          return {
            saga: 'committing_stock',
            payment: { to: 'completed', actor: 'system', reason: null },
            commands: [{ type: 'catalog.commit-stock' }],
            note: 'payment completed: commit requested',
          };
        case 'payment.failed':
          return giveUp(view, event.reason, [{ type: 'catalog.release-stock', reason: event.reason }], 'payment failed');
        case 'deadline':
          // The payment service aborts at the same deadline and answers failed; a charge that
          // still goes through is a late completed, refunded.
          return giveUp(view, 'PAYMENT_TIMEOUT', [{ type: 'catalog.release-stock', reason: 'PAYMENT_TIMEOUT' }], 'payment step past its deadline');
        case 'stock.released':
          // The catalog's sweeper expired the reservation: the payment step outlived it.
          return giveUp(view, 'PAYMENT_TIMEOUT', [], 'reservation expired while authorizing');
        default:
          return nothing(`${event.type} while authorizing: ignored`);
      }
    case 'committing_stock':
      switch (event.type) {
        case 'stock.committed':
          return { saga: 'completed', order: { to: 'processing' }, commands: [{ type: 'order.order.confirmed' }], note: 'stock committed: order confirmed' };
        case 'deadline':
          // The money is taken: never compensate, keep asking (commit-stock is idempotent).
          return { retry: true, commands: [{ type: 'catalog.commit-stock' }], note: 'commit-stock sent again' };
        case 'stock.released':
          // The reservation expired before the commit: no stock to sell, so the charge goes back.
          return giveUp(view, 'OUT_OF_STOCK', [{ type: 'payment.refund-payment', reason: 'OUT_OF_STOCK' }], 'reservation expired before commit');
        default:
          return nothing(`${event.type} while committing: ignored`);
      }
    case 'completed':
      return nothing(`${event.type} after completion: duplicate`);
    case 'compensated':
    case 'cancelled':
      return lateAnswer(view, event);
  }
}
