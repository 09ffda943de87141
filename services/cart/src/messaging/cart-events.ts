import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
import type { Cart } from '../domain/cart.js';
import type { CustomerAddress } from '../domain/customer-address.js';

/** The schemas are static files: loaded once, on first use. */
let outbox: Outbox | undefined;
const theOutbox = () => (outbox ??= new Outbox(MessageSchemas.load()));

/**
 * cart.cart.checked-out, written in the checkout's transaction (the relay publishes after commit):
 * what the order service needs to create the order and run the saga. Correlated with the order id,
 * the saga's conversation id.
 */
export function cartCheckedOut(em: EntityManager, cart: Cart, address: CustomerAddress, paymentToken: string) {
  const orderId = cart.orderId!;
  return theOutbox().add(em, {
    type: 'cart.cart.checked-out',
    correlationId: orderId,
    data: {
      orderId,
      cartId: cart.id,
      customerId: cart.customerId,
      items: cart.items.map((i) => ({ productId: i.productId, name: i.name, unitPriceCents: i.unitPriceCents, quantity: i.quantity })),
      totalCents: cart.totalCents,
      currency: 'USD',
      shippingAddress: address.toShippingAddress(),
      paymentToken,
    },
  });
}
