import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
import { available, type StockLevel } from '../domain/inventory.js';
import type { RequestedItem, ShortItem } from '../domain/reservation.js';

/**
 * The stock events, written to the outbox in the caller's transaction (the relay publishes after
 * commit). The answers to the saga's commands correlate with the order id, so the order service
 * can join them to its saga even when the sweeper, not a command, caused them.
 */
let outbox: Outbox | undefined;
const theOutbox = () => (outbox ??= new Outbox(MessageSchemas.load()));

/** One per product per change, with the figures after it: the cart's read model keeps `available`. */
export function stockChanged(em: EntityManager, productId: string, level: StockLevel) {
  theOutbox().add(em, {
    type: 'catalog.stock.changed',
    data: { productId, available: available(level), onHand: level.onHand, reserved: level.reserved },
  });
}

export function stockReserved(em: EntityManager, orderId: string, items: RequestedItem[], expiresAt: Date) {
  theOutbox().add(em, {
    type: 'catalog.stock.reserved',
    correlationId: orderId,
    data: { orderId, items: items.map(({ productId, quantity }) => ({ productId, quantity })), expiresAt: expiresAt.toISOString() },
  });
}

export function stockReservationRejected(em: EntityManager, orderId: string, shortItems: ShortItem[]) {
  theOutbox().add(em, { type: 'catalog.stock.reservation-rejected', correlationId: orderId, data: { orderId, shortItems } });
}

export function stockCommitted(em: EntityManager, orderId: string) {
  theOutbox().add(em, { type: 'catalog.stock.committed', correlationId: orderId, data: { orderId } });
}

export function stockReleased(em: EntityManager, orderId: string, reason: string) {
  theOutbox().add(em, { type: 'catalog.stock.released', correlationId: orderId, data: { orderId, reason } });
}

export function stockRestocked(em: EntityManager, orderId: string) {
  theOutbox().add(em, { type: 'catalog.stock.restocked', correlationId: orderId, data: { orderId } });
}
