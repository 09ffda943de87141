import { randomUUID } from 'node:crypto';
import { UnprocessableError, withIdempotency, type StoredResponse } from '@commerce/shared';
import { cartEmpty } from '../domain/cart.js';
import { cartStatus } from '../domain/cart-status.js';
import { CustomerAddress } from '../domain/customer-address.js';
import { ProductSnapshot } from '../domain/product-snapshot.js';
import { cartCheckedOut } from '../messaging/cart-events.js';
import { cartOf } from './cart-store.js';
import { productUnavailable } from './cart-items.js';
import type { CartContext } from './context.js';

export interface CheckoutInput {
  shippingAddressId: string;
  paymentToken: string;
}

export const addressInvalid = () => new UnprocessableError('ADDRESS_INVALID', 'The shipping address is not one of your addresses.');

/**
 * POST /carts/{id}/checkout. In ONE transaction: the cart (row-locked) goes pending → submitted
 * with a new order id, cart.cart.checked-out goes to the outbox, and the 202 is stored under the
 * Idempotency-Key. So a retry with the same key replays that 202 (one event), the same key with
 * another body is 422 IDEMPOTENCY_KEY_REUSED, and a second checkout of the cart with another key
 * finds it submitted: 409 INVALID_TRANSITION. A rule that fails stores nothing.
 * Keys are scoped per customer, and the cart id is part of the fingerprinted request.
 */
export async function checkout(ctx: CartContext, cartId: string, customerId: string, key: string, input: CheckoutInput) {
  return withIdempotency(ctx.em, { scope: `cart:checkout:${customerId}`, key, request: { cartId, ...input } }, async (tx): Promise<StoredResponse> => {
    const cart = await cartOf(tx, cartId, customerId, { forUpdate: true });
    cartStatus.assert(cart.status, 'submitted');
    if (cart.items.length === 0) throw cartEmpty();
    const address = await tx.findOne(CustomerAddress, { addressId: input.shippingAddressId });
    if (!address?.usableBy(customerId)) throw addressInvalid();
    const products = await tx.find(ProductSnapshot, { productId: { $in: cart.items.map((i) => i.productId) } });
    for (const item of cart.items) {
      if (!products.find((p) => p.productId === item.productId)?.isAvailable()) throw productUnavailable(item.productId);
    }
    const orderId = randomUUID();
    cart.submit(orderId);
    cartCheckedOut(tx, cart, address, input.paymentToken);
    return { status: 202, headers: { Location: `/api/v1/orders/${orderId}` }, body: { orderId, status: 'pending' } };
  }).then((result) => {
    // Counted once the checkout committed; a replay of its stored 202 is the same checkout.
    if (!result.replayed) ctx.metrics.checkoutsStarted.inc();
    return result;
  });
}
