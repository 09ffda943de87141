import { defineStateMachine } from '@commerce/shared';

export type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded';

/**
 * THE payment status table: the only place a payment's transitions are defined. Every status
 * change goes through `paymentStatus.assert`, which answers 409 INVALID_TRANSITION otherwise.
 * - pending → completed (the provider charged) | failed (declined, or no answer by the deadline)
 * - completed → refunded (admin, the order service's refund command, or its order was cancelled)
 * - failed and refunded are final.
 */
export const paymentStatus = defineStateMachine<PaymentStatus>('payment', {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: [],
  refunded: [],
});
