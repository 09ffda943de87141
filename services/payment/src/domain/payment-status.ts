import { defineStateMachine } from '@commerce/shared';

export type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded';

/**
 * THE payment status table: the only place a payment's transitions are defined. Every status
 * change goes through `paymentStatus.assert`, which answers 409 INVALID_TRANSITION otherwise.
 * - pending → completed (the provider charged) | failed (declined, or no answer by the deadline)
 * - completed → refunded (admin, the order service's refund command, or its order was cancelled)
 * - failed → refunded only for a charge abandoned at the deadline that went through after all
 *   (the sweeper finds it and gives the money back at once; an admin cannot refund a failed payment)
 * - refunded is final.
 */
export const paymentStatus = defineStateMachine<PaymentStatus>('payment', {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: ['refunded'],
  refunded: [],
});
