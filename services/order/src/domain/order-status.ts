import { defineStateMachine } from '@commerce/shared';

export type OrderStatus = 'pending' | 'processing' | 'shipped' | 'delivered' | 'cancelled';

/**
 * THE order status table (contracts/openapi/order.yaml, "Order status"): the only place an order's
 * transitions are defined; every change goes through `orderStatus.assert` (409 INVALID_TRANSITION).
 * - pending → processing (the saga committed stock and took the payment) | cancelled
 * - processing → shipped | cancelled (refund and restock follow)
 * - shipped → delivered; delivered and cancelled are final.
 */
export const orderStatus = defineStateMachine<OrderStatus>('order', {
  pending: ['processing', 'cancelled'],
  processing: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
});
