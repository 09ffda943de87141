import { LockMode } from '@mikro-orm/postgresql';
import type { EntityManager } from '@commerce/shared';
import { Cart, CartItem, cartNotFound } from '../domain/cart.js';

/** Loads a cart with its lines (oldest first). `forUpdate` takes the cart's row lock for the transaction. */
export async function findCart(em: EntityManager, where: { id: string } | { orderId: string } | { customerId: string; status: 'pending' }, forUpdate = false): Promise<Cart | null> {
  const cart = await em.findOne(Cart, where, forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
  if (!cart) return null;
  return withItems(em, cart);
}

export async function withItems(em: EntityManager, cart: Cart): Promise<Cart> {
  cart.items = await em.find(CartItem, { cartId: cart.id }, { orderBy: { addedAt: 'asc', id: 'asc' } });
  return cart;
}

/** The cart the principal may see: the owner's, or any for an admin (`anyOwner`). Another's answers 404, never 403. */
export async function cartOf(em: EntityManager, cartId: string, customerId: string, options: { forUpdate?: boolean; anyOwner?: boolean } = {}): Promise<Cart> {
  const cart = await findCart(em, { id: cartId }, options.forUpdate);
  if (!cart || (!options.anyOwner && !cart.isOwnedBy(customerId))) throw cartNotFound();
  return cart;
}

export const pendingCartOf = (em: EntityManager, customerId: string, forUpdate = false) => findCart(em, { customerId, status: 'pending' }, forUpdate);
