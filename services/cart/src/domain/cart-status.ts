import { defineStateMachine } from '@commerce/shared';

export type CartStatus = 'pending' | 'submitted' | 'converted' | 'abandoned';

/**
 * THE cart status table: the only place a cart's transitions are defined. Every status change
 * goes through `cartStatus.assert`, which answers 409 INVALID_TRANSITION for anything else.
 * - pending → submitted (checkout) | abandoned (the customer, the idle timer, a deleted account)
 * - submitted → converted (order confirmed) | pending (order cancelled: the cart reopens)
 * - converted and abandoned are final.
 */
export const cartStatus = defineStateMachine<CartStatus>('cart', {
  pending: ['submitted', 'abandoned'],
  submitted: ['converted', 'pending'],
  converted: [],
  abandoned: [],
});
