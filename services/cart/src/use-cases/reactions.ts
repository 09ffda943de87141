import type { EntityManager, Logger } from '@commerce/shared';
import { findCart, pendingCartOf } from './cart-store.js';

/**
 * How the cart reacts to other services' events, each in the consumer's transaction (with the
 * inbox row). Each is idempotent on its own too: a cart already in the target status is left alone.
 */

/** customer.customer.deleted: the customer's pending cart is abandoned. Returns whether one was. */
export async function abandonCartOfDeletedCustomer(tx: EntityManager, customerId: string): Promise<boolean> {
  const cart = await pendingCartOf(tx, customerId, true);
  if (!cart) return false;
  cart.abandon();
  return true;
}

/** order.order.confirmed: the submitted cart of that order becomes converted. */
export async function convertCartOfOrder(tx: EntityManager, orderId: string, logger: Logger): Promise<boolean> {
  const cart = await findCart(tx, { orderId }, true);
  if (cart?.status !== 'submitted') {
    logger.warn('order confirmed for no submitted cart; ignored', { orderId, status: cart?.status ?? null });
    return false;
  }
  cart.convert();
  return true;
}

/**
 * order.order.cancelled: the submitted cart of that order goes back to pending (order id
 * cleared), so the customer can fix it and check out again. If the customer started another
 * pending cart meanwhile (only one may be pending), its lines move into the reopened cart and it
 * is abandoned (not counted as an abandoned cart: nothing was lost).
 */
export async function reopenCartOfOrder(tx: EntityManager, orderId: string, logger: Logger): Promise<boolean> {
  const cart = await findCart(tx, { orderId }, true);
  if (cart?.status !== 'submitted') {
    logger.warn('order cancelled for no submitted cart; ignored', { orderId, status: cart?.status ?? null });
    return false;
  }
  const other = await pendingCartOf(tx, cart.customerId, true);
  if (other) {
    // The other cart leaves 'pending' first: the one-pending-cart index is checked per statement.
    other.abandon();
    await tx.flush();
  }
  cart.reopen();
  if (other) for (const item of cart.absorb(other)) tx.persist(item);
  return true;
}
