import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@commerce/shared';
import type { Movement, MovementKind, StockLevel } from '../domain/inventory.js';
import type { ReservationStatus } from '../domain/reservation.js';
import { stockChanged } from '../messaging/stock-events.js';

/**
 * SQL of the stock tables, always run inside the caller's transaction (`em.execute` joins it).
 * Plain SQL rather than the unit of work on purpose: the reservation guard is a conditional
 * UPDATE whose row count is the answer, and the levels must be read under a row lock, neither of
 * which an identity map would make clearer.
 */

export interface StockMovementRow {
  id: string;
  productId: string;
  kind: MovementKind;
  deltaOnHand: number;
  deltaReserved: number;
  onHandAfter: number;
  reservedAfter: number;
  reason: string | null;
  orderId: string | null;
  actor: string;
  createdAt: Date;
}

export interface ReservationRow {
  orderId: string;
  productId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
}

const levelOf = (row: { on_hand: number; reserved: number }): StockLevel => ({ onHand: Number(row.on_hand), reserved: Number(row.reserved) });

/** The level of a product's stock, row-locked until the transaction ends; undefined when there is no inventory row. */
export async function lockLevel(tx: EntityManager, productId: string): Promise<StockLevel | undefined> {
  const [row] = await tx.execute<{ on_hand: number; reserved: number }[]>('select on_hand, reserved from inventory where product_id = ? for update', [productId]);
  return row && levelOf(row);
}

/** The level without a lock (reads, and the figures of a rejected reservation). Archived or unknown products: undefined. */
export async function readActiveLevel(tx: EntityManager, productId: string): Promise<StockLevel | undefined> {
  const [row] = await tx.execute<{ on_hand: number; reserved: number }[]>(
    `select i.on_hand, i.reserved from inventory i join products p on p.id = i.product_id where i.product_id = ? and p.status = 'active'`,
    [productId],
  );
  return row && levelOf(row);
}

export async function writeLevel(tx: EntityManager, productId: string, level: StockLevel): Promise<void> {
  await tx.execute('update inventory set on_hand = ?, reserved = ?, updated_at = now() where product_id = ?', [level.onHand, level.reserved, productId], 'run');
}

/**
 * Appends the movement to the audit trail and announces the new level (catalog.stock.changed), in
 * the same transaction. Every caller holds the product's inventory row lock, so the movements of
 * one product are written one after the other; created_at is taken from the database clock and
 * kept strictly increasing per product (at least 1 ms after the previous movement), so the
 * newest-first trail is exactly the order of the changes even within one millisecond or across
 * replicas whose clocks disagree.
 */
export async function recordMovement(tx: EntityManager, productId: string, movement: Movement): Promise<StockMovementRow> {
  const id = randomUUID();
  const [row] = await tx.execute<{ created_at: Date }[]>(
    `insert into stock_movements (id, product_id, kind, delta_on_hand, delta_reserved, on_hand_after, reserved_after, reason, order_id, actor, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, greatest(
       clock_timestamp(),
       (select max(created_at) + interval '1 millisecond' from stock_movements where product_id = ?)
     ))
     returning created_at`,
    [id, productId, movement.kind, movement.deltaOnHand, movement.deltaReserved, movement.onHandAfter, movement.reservedAfter, movement.reason, movement.orderId, movement.actor, productId],
  );
  stockChanged(tx, productId, { onHand: movement.onHandAfter, reserved: movement.reservedAfter });
  return { id, productId, createdAt: new Date(row!.created_at), ...movement };
}

export const movementFromRow = (row: Record<string, unknown>): StockMovementRow => ({
  id: String(row.id),
  productId: String(row.product_id),
  kind: row.kind as MovementKind,
  deltaOnHand: Number(row.delta_on_hand),
  deltaReserved: Number(row.delta_reserved),
  onHandAfter: Number(row.on_hand_after),
  reservedAfter: Number(row.reserved_after),
  reason: (row.reason as string | null) ?? null,
  orderId: (row.order_id as string | null) ?? null,
  actor: String(row.actor),
  createdAt: new Date(row.created_at as string | Date),
});

export const reservationFromRow = (row: Record<string, unknown>): ReservationRow => ({
  orderId: String(row.order_id),
  productId: String(row.product_id),
  quantity: Number(row.quantity),
  status: row.status as ReservationStatus,
  expiresAt: new Date(row.expires_at as string | Date),
});

export async function reservationsOf(tx: EntityManager, orderId: string): Promise<ReservationRow[]> {
  const rows = await tx.execute<Record<string, unknown>[]>('select * from reservations where order_id = ? order by product_id', [orderId]);
  return rows.map(reservationFromRow);
}
