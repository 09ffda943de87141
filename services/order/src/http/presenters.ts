import type { Order } from '../domain/order.js';
import type { HistoryEntry } from '../use-cases/orders.js';

/** The public Order representation (contracts/openapi/order.yaml): line totals computed here, in integer cents. */
export function presentOrder(order: Order) {
  return {
    id: order.id,
    customerId: order.customerId,
    cartId: order.cartId,
    status: order.status,
    paymentStatus: order.paymentStatus,
    items: order.items.map((i) => ({
      productId: i.productId,
      name: i.name,
      unitPriceCents: i.unitPriceCents,
      quantity: i.quantity,
      lineTotalCents: i.unitPriceCents * i.quantity,
    })),
    totalCents: order.totalCents,
    currency: order.currency,
    shippingAddress: { ...order.shippingAddress },
    failureReason: order.failureReason,
    trackingNumber: order.trackingNumber,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export function presentHistoryEntry(entry: HistoryEntry) {
  return { id: entry.id, kind: entry.kind, from: entry.from, to: entry.to, at: entry.at.toISOString(), actor: entry.actor, reason: entry.reason };
}
