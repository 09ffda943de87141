import { withIdempotency, type StoredResponse } from '@commerce/shared';
import type { Order } from '../domain/order.js';
import { announceDelivered, announceShipped } from '../messaging/order-messages.js';
import type { OrderContext } from './context.js';
import { assertVisible, lockOrder, recordChanges, type Viewer } from './order-store.js';
import { advanceSaga, type StepResult } from './saga-steps.js';

/**
 * Endpoint 38. In ONE transaction, under the order's row lock: the saga's cancel step (the order
 * cancelled at once, a pending payment failed, and the compensation commands: release-stock for
 * a pending order, restock + refund-payment for a processing one) and the 202 stored under the
 * Idempotency-Key. A retry with the key replays the 202; a shipped, delivered or cancelled order
 * is 409 INVALID_TRANSITION (nothing stored, so a retry is a 409 again). Keys are per caller.
 */
export async function cancelOrder(
  ctx: OrderContext,
  orderId: string,
  viewer: Viewer,
  key: string,
  body: { reason?: string },
  present: (order: Order) => object,
) {
  let step: StepResult | undefined;
  const result = await withIdempotency(
    ctx.em,
    { scope: `order:cancel:${viewer.customerId}`, key, request: { orderId, reason: body.reason ?? null } },
    async (tx): Promise<StoredResponse> => {
      const order = assertVisible(await lockOrder(tx, orderId), viewer);
      step = await advanceSaga(tx, ctx, order, { type: 'cancel', by: viewer.admin ? 'admin' : 'customer', note: body.reason ?? null });
      return { status: 202, headers: {}, body: present(order) };
    },
  );
  if (!result.replayed) step?.count();
  return result;
}

/** Endpoint 39: processing → shipped with the tracking number; order.order.shipped in the same commit. */
export async function shipOrder(ctx: OrderContext, orderId: string, trackingNumber: string): Promise<Order> {
  return ctx.em.transactional(async (tx) => {
    const order = assertVisible(await lockOrder(tx, orderId), { customerId: '', admin: true });
    await recordChanges(tx, order.id, [order.ship(trackingNumber)]);
    announceShipped(tx, order);
    return order;
  });
}

/** Endpoint 40: shipped → delivered (final); order.order.delivered in the same commit. */
export async function deliverOrder(ctx: OrderContext, orderId: string): Promise<Order> {
  return ctx.em.transactional(async (tx) => {
    const order = assertVisible(await lockOrder(tx, orderId), { customerId: '', admin: true });
    await recordChanges(tx, order.id, [order.deliver()]);
    announceDelivered(tx, order);
    return order;
  });
}
