import type { EntityManager } from '@commerce/shared';
import { Order, type PlacedOrder } from '../domain/order.js';
import { Saga } from '../domain/saga-instance.js';
import { sendCommand } from '../messaging/order-messages.js';
import type { OrderContext } from './context.js';
import { recordChanges } from './order-store.js';
import { reservationExpiresAt } from './saga-steps.js';

/** cart.cart.checked-out's data (contracts/events). */
export interface CheckedOut extends PlacedOrder {
  paymentToken: string;
}

/**
 * Starts the saga for a checked-out cart, in the caller's transaction (the consumer's inbox):
 * the order (pending, payment pending, the cart's snapshot), its saga row (reserving_stock, with
 * the step deadline and the payment token), the two creation history rows and
 * catalog.reserve-stock. The insert is `on conflict do nothing`: a second checked-out for the same
 * order (a redelivery with a new message id, or two at once) finds the first and changes nothing.
 * Returns whether the order was created.
 */
export async function placeOrder(tx: EntityManager, ctx: OrderContext, checkedOut: CheckedOut, now = new Date()): Promise<boolean> {
  const order = new Order(checkedOut, now);
  const inserted = await tx.execute<unknown[]>(
    `insert into orders (id, customer_id, cart_id, status, payment_status, items, total_cents, currency, shipping_address, created_at, updated_at)
     values (?, ?, ?, 'pending', 'pending', ?::jsonb, ?, ?, ?::jsonb, ?, ?) on conflict (id) do nothing returning id`,
    [order.id, order.customerId, order.cartId, JSON.stringify(order.items), order.totalCents, order.currency, JSON.stringify(order.shippingAddress), order.createdAt, order.updatedAt],
  );
  if (inserted.length === 0) {
    ctx.logger.info('checkout for an existing order: nothing to do', { orderId: order.id });
    return false;
  }
  tx.persist(new Saga(order.id, checkedOut.paymentToken, ctx.saga.timeouts, now));
  await recordChanges(tx, order.id, order.created());
  sendCommand(tx, order, { type: 'catalog.reserve-stock' }, { paymentToken: null, stepDeadline: null, reservationExpiresAt: reservationExpiresAt(order, ctx) });
  ctx.logger.info('order placed: reserving stock', { orderId: order.id, customerId: order.customerId });
  return true;
}
