import { NotFoundError, decodeCursor, toPage, type EntityManager, type Page } from '@commerce/shared';
import { adjust, available, type StockLevel } from '../domain/inventory.js';
import { lockLevel, movementFromRow, recordMovement, type StockMovementRow } from './stock-store.js';

export interface InventoryView extends StockLevel {
  productId: string;
  available: number;
}

const productNotFound = () => new NotFoundError('PRODUCT_NOT_FOUND', 'The product does not exist.');

/**
 * Admins see the stock of archived products too (it still holds reservations and an audit
 * trail); only a product that never existed is a 404.
 */
export async function getInventory(em: EntityManager, productId: string): Promise<InventoryView> {
  const [row] = await em.execute<{ on_hand: number; reserved: number }[]>('select on_hand, reserved from inventory where product_id = ?', [productId]);
  if (!row) throw productNotFound();
  const level = { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
  return { productId, ...level, available: available(level) };
}

/**
 * An admin's adjustment, under the inventory row lock: the rule (onHand never below reserved,
 * else 409 INSUFFICIENT_STOCK) is checked against the figures no concurrent reservation can
 * change before the commit. The movement and catalog.stock.changed are written in the same
 * transaction. The caller invalidates the product's cache entry after it returns.
 */
export async function adjustInventory(em: EntityManager, productId: string, change: { delta: number; reason: string; actor: string }): Promise<StockMovementRow> {
  return em.transactional(async (tx) => {
    const level = await lockLevel(tx, productId);
    if (!level) throw productNotFound();
    const { level: after, movement } = adjust(level, change.delta, change.reason, change.actor);
    await tx.execute('update inventory set on_hand = ?, reserved = ?, updated_at = now() where product_id = ?', [after.onHand, after.reserved, productId], 'run');
    return recordMovement(tx, productId, movement);
  });
}

/** The audit trail of a product, newest first, keyset-paginated on (created_at, id) descending. */
export async function listStockMovements(em: EntityManager, productId: string, page: { limit: number; cursor?: string }): Promise<Page<StockMovementRow>> {
  const [exists] = await em.execute<unknown[]>('select 1 from inventory where product_id = ?', [productId]);
  if (!exists) throw productNotFound();
  const params: unknown[] = [productId];
  let after = '';
  if (page.cursor) {
    const [createdAt, id] = decodeCursor(page.cursor, 2);
    after = 'and (created_at, id) < (?::timestamptz, ?::uuid)';
    params.push(String(createdAt), String(id));
  }
  params.push(page.limit + 1);
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from stock_movements where product_id = ? ${after} order by created_at desc, id desc limit ?`,
    params,
  );
  return toPage(rows.map(movementFromRow), page.limit, (m) => m, (m) => [m.createdAt.toISOString(), m.id]);
}
