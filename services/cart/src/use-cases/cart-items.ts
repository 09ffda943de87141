import { UnprocessableError, type EntityManager } from '@commerce/shared';
import type { Cart, CartItem } from '../domain/cart.js';
import { ProductSnapshot } from '../domain/product-snapshot.js';
import { cartOf } from './cart-store.js';
import type { CartContext } from './context.js';

export const productUnavailable = (productId: string) =>
  new UnprocessableError('PRODUCT_UNAVAILABLE', `Product ${productId} is unknown or no longer sold.`);

/** The product as the read model knows it; unknown or archived → PRODUCT_UNAVAILABLE. Never calls the catalog. */
export async function availableProduct(em: EntityManager, productId: string): Promise<ProductSnapshot> {
  const product = await em.findOne(ProductSnapshot, { productId });
  if (!product?.isAvailable()) throw productUnavailable(productId);
  return product;
}

/**
 * POST /carts/{id}/items: adds to the product's line at the price the read model knows now (the
 * client never sends a price). Under the cart's row lock, so two adds of one product can't both
 * create the line or both pass the 99 limit.
 */
export async function addItem(ctx: CartContext, cartId: string, customerId: string, input: { productId: string; quantity: number }): Promise<{ cart: Cart; item: CartItem }> {
  return ctx.em.transactional(async (tx) => {
    const cart = await cartOf(tx, cartId, customerId, { forUpdate: true });
    const product = await availableProduct(tx, input.productId);
    const { item, created } = cart.addItem(product, input.quantity);
    if (created) tx.persist(item);
    return { cart, item };
  });
}

/** PATCH /carts/{id}/items/{itemId}: sets the line's quantity (1..99, within `available`). */
export async function changeItemQuantity(ctx: CartContext, cartId: string, itemId: string, customerId: string, quantity: number): Promise<Cart> {
  return ctx.em.transactional(async (tx) => {
    const cart = await cartOf(tx, cartId, customerId, { forUpdate: true });
    cart.assertEditable();
    const line = cart.item(itemId);
    const product = await tx.findOne(ProductSnapshot, { productId: line.productId });
    // Lowering a quantity is always fine; raising it needs the stock (advisory) of a product still sold.
    const available = quantity <= line.quantity ? Number.MAX_SAFE_INTEGER : product?.isAvailable() ? product.available : 0;
    if (quantity > line.quantity && !product?.isAvailable()) throw productUnavailable(line.productId);
    cart.changeQuantity(itemId, quantity, available);
    return cart;
  });
}

/** DELETE /carts/{id}/items/{itemId}. */
export async function removeItem(ctx: CartContext, cartId: string, itemId: string, customerId: string): Promise<void> {
  await ctx.em.transactional(async (tx) => {
    const cart = await cartOf(tx, cartId, customerId, { forUpdate: true });
    tx.remove(cart.removeItem(itemId));
  });
}
