import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/postgresql';
import type { EntityManager } from '@commerce/shared';
import { Order, orderNotFound, type OrderChange } from '../domain/order.js';

/**
 * Loads an order holding its row lock for the transaction: every change of an order and of its
 * saga happens under this lock, so concurrent deliveries, the sweeper and HTTP requests for one
 * order take turns and each sees the other's committed result. `skipLocked` (the sweeper) answers
 * null for an order another transaction holds right now instead of waiting for it.
 */
export function lockOrder(em: EntityManager, orderId: string, options: { skipLocked?: boolean } = {}): Promise<Order | null> {
  return em.findOne(Order, { id: orderId }, { lockMode: options.skipLocked ? LockMode.PESSIMISTIC_PARTIAL_WRITE : LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** Who is asking: a customer sees only their own orders (another's is 404, never 403), an admin every one. */
export interface Viewer {
  customerId: string;
  admin: boolean;
}

export function assertVisible(order: Order | null, viewer: Viewer): Order {
  if (!order || (!viewer.admin && !order.isOwnedBy(viewer.customerId))) throw orderNotFound();
  return order;
}

/** Writes history rows in the caller's transaction (endpoint 41 reads them, oldest first by seq). */
export async function recordChanges(em: EntityManager, orderId: string, changes: readonly OrderChange[]): Promise<void> {
  for (const change of changes) {
    await em.execute(
      'insert into order_history (id, order_id, kind, from_value, to_value, at, actor, reason) values (?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), orderId, change.kind, change.from, change.to, change.at, change.actor, change.reason],
      'run',
    );
  }
}
