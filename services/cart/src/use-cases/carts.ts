import { isUniqueViolation } from '@commerce/shared';
import { Cart, cartNotFound } from '../domain/cart.js';
import { cartOf, pendingCartOf } from './cart-store.js';
import type { CartContext } from './context.js';

/**
 * POST /carts: the customer's pending cart, created if there is none. The partial unique index
 * (one pending cart per customer) decides races: of ten concurrent creates one inserts, the
 * others fail on the index and answer with the winner's cart.
 */
export async function openCart(ctx: CartContext, customerId: string): Promise<{ cart: Cart; created: boolean }> {
  try {
    return await ctx.em.transactional(async (tx) => {
      const existing = await pendingCartOf(tx, customerId);
      if (existing) return { cart: existing, created: false };
      const cart = new Cart(customerId);
      tx.persist(cart);
      await tx.flush();
      return { cart, created: true };
    }).then((result) => {
      if (result.created) ctx.metrics.created.inc();
      return result;
    });
  } catch (error) {
    if (!isUniqueViolation(error, 'carts_one_pending_per_customer')) throw error;
    const winner = await pendingCartOf(ctx.em.fork(), customerId);
    if (!winner) throw error;
    return { cart: winner, created: false };
  }
}

/** GET /carts/current: the pending cart, or 404. */
export async function currentCart(ctx: CartContext, customerId: string): Promise<Cart> {
  const cart = await pendingCartOf(ctx.em, customerId);
  if (!cart) throw cartNotFound();
  return cart;
}

/** GET /carts/{id}: the owner's cart; an admin reads any. */
export function readCart(ctx: CartContext, cartId: string, reader: { customerId: string; admin: boolean }): Promise<Cart> {
  return cartOf(ctx.em, cartId, reader.customerId, { anyOwner: reader.admin });
}

/** DELETE /carts/{id}: pending → abandoned by the customer (INVALID_TRANSITION otherwise). */
export async function abandonCart(ctx: CartContext, cartId: string, customerId: string): Promise<void> {
  await ctx.em.transactional(async (tx) => {
    const cart = await cartOf(tx, cartId, customerId, { forUpdate: true });
    cart.abandon();
  });
  ctx.metrics.abandoned.inc({ reason: 'customer' });
}
