import type { Cart } from '../domain/cart.js';
import { STORE_CURRENCY } from '../domain/cart.js';

/** The public Cart representation (contracts/openapi/cart.yaml): totals computed here, in integer cents. */
export function presentCart(cart: Cart) {
  return {
    id: cart.id,
    customerId: cart.customerId,
    status: cart.status,
    items: cart.items.map((i) => ({
      id: i.id,
      productId: i.productId,
      name: i.name,
      unitPriceCents: i.unitPriceCents,
      quantity: i.quantity,
      lineTotalCents: i.lineTotalCents,
      addedAt: i.addedAt.toISOString(),
    })),
    itemCount: cart.itemCount,
    totalCents: cart.totalCents,
    currency: STORE_CURRENCY,
    orderId: cart.orderId,
    createdAt: cart.createdAt.toISOString(),
    updatedAt: cart.updatedAt.toISOString(),
  };
}
