import { defineStateMachine } from '@commerce/shared';

export type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded';

/**
 * The order's view of its payment (the payment service owns the payment itself; this status
 * follows its answers). One table, the same mechanism as the order's:
 * - pending → completed (payment.payment.completed) | failed (declined, timed out, or the order
 *   was cancelled before an outcome);
 * - completed → refunded (payment.payment.refunded);
 * - failed → refunded: a charge that succeeded only after the order had given up on it (a late
 *   answer) is refunded at once, and the order records that money went out and came back.
 */
export const paymentStatus = defineStateMachine<PaymentStatus>('payment', {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: ['refunded'],
  refunded: [],
});
