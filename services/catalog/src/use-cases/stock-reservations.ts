import type { EntityManager, Logger } from '@commerce/shared';
import { commit, release, reserve, restock, type StockChange, type StockLevel } from '../domain/inventory.js';
import { nextStatus, reservationLines, shortItems, statusBefore, type RequestedItem, type ReservationStep, type ShortItem } from '../domain/reservation.js';
import { stockCommitted, stockReleased, stockReservationRejected, stockReserved, stockRestocked } from '../messaging/stock-events.js';
import { lockLevel, readActiveLevel, recordMovement, reservationFromRow, reservationsOf, writeLevel } from './stock-store.js';

/**
 * The stock side of the checkout saga. Each function runs inside the caller's transaction (the
 * consumer's Inbox.handle, or the sweeper's), writes the stock change, its stock_movements rows
 * and its outbox events together, and returns the products whose stock changed so the caller can
 * invalidate their cache entries AFTER the commit.
 */
export interface StockOutcome<TAnswer extends string = string> {
  answer: TAnswer;
  changedProductIds: string[];
}

export interface ReserveStockCommand {
  orderId: string;
  items: RequestedItem[];
  expiresAt: Date;
}

/** `already-*`: the order was handled by an earlier command; the same answer is sent again and nothing changes. */
export type ReserveAnswer = 'reserved' | 'rejected' | 'already-reserved' | 'already-rejected';

export async function reserveStock(tx: EntityManager, command: ReserveStockCommand): Promise<StockOutcome<ReserveAnswer> & { shortItems: ShortItem[] }> {
  const { orderId, expiresAt } = command;
  const lines = reservationLines(command.items);
  // Idempotent per order, not only per message: the inbox drops a redelivered message, but the
  // saga may send a new ReserveStock for the same order (a retried step). Commands of one order
  // serialise on this transaction-scoped advisory lock, then the later one finds the earlier's
  // reservations (or its recorded rejection) and answers the same outcome again, changing nothing.
  await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`reserve-stock:${orderId}`]);
  const existing = await reservationsOf(tx, orderId);
  if (existing.length > 0) {
    stockReserved(tx, orderId, existing, existing[0]!.expiresAt);
    return { answer: 'already-reserved', changedProductIds: [], shortItems: [] };
  }
  const [rejected] = await tx.execute<{ short_items: ShortItem[] }[]>('select short_items from reservation_rejections where order_id = ?', [orderId]);
  if (rejected) {
    stockReservationRejected(tx, orderId, rejected.short_items);
    return { answer: 'already-rejected', changedProductIds: [], shortItems: rejected.short_items };
  }

  // The guard: one conditional UPDATE per line. It takes the row lock, and Postgres re-checks
  // the WHERE clause against the newest committed row once a concurrent writer's lock is
  // released (READ COMMITTED re-evaluation), so two reservations can never both take the last
  // unit: the second finds `on_hand - reserved` too small and updates nothing. A read-then-write
  // ("select available, then update") would let both read the same figure and both pass. Lines
  // go in product id order, so two orders sharing products lock them in the same order and can't
  // deadlock. A savepoint makes it all or nothing: the first short line undoes the ones before it.
  await tx.execute('savepoint reserve_stock', [], 'run');
  const reserved: { line: RequestedItem; after: StockLevel }[] = [];
  let short = false;
  for (const line of lines) {
    const [row] = await tx.execute<{ on_hand: number; reserved: number }[]>(
      `update inventory i set reserved = i.reserved + ?, updated_at = now()
       from products p
       where i.product_id = ? and p.id = i.product_id and p.status = 'active' and i.on_hand - i.reserved >= ?
       returning i.on_hand, i.reserved`,
      [line.quantity, line.productId, line.quantity],
    );
    if (!row) {
      short = true;
      break;
    }
    reserved.push({ line, after: { onHand: Number(row.on_hand), reserved: Number(row.reserved) } });
  }

  if (short) {
    await tx.execute('rollback to savepoint reserve_stock', [], 'run');
    // Every short line, not just the first, so the customer learns all of them at once. The
    // figures are a snapshot (nothing is locked any more): what the answer reports, not a promise.
    const levels = new Map<string, StockLevel | undefined>();
    for (const line of lines) levels.set(line.productId, await readActiveLevel(tx, line.productId));
    const missing = shortItems(lines, (id) => levels.get(id));
    await tx.execute('insert into reservation_rejections (order_id, short_items, created_at) values (?, ?::jsonb, now())', [orderId, JSON.stringify(missing)], 'run');
    stockReservationRejected(tx, orderId, missing);
    return { answer: 'rejected', changedProductIds: [], shortItems: missing };
  }
  await tx.execute('release savepoint reserve_stock', [], 'run');

  for (const { line, after } of reserved) {
    // The UPDATE was the guard; the domain rule, applied to the level the guard found, builds the
    // movement (and would throw, rolling everything back, if rule and guard ever disagreed).
    const { movement } = reserve({ onHand: after.onHand, reserved: after.reserved - line.quantity }, line.quantity, orderId);
    await recordMovement(tx, line.productId, movement);
    await tx.execute(
      `insert into reservations (order_id, product_id, quantity, status, expires_at, created_at, updated_at) values (?, ?, ?, 'held', ?, now(), now())`,
      [orderId, line.productId, line.quantity, expiresAt],
      'run',
    );
  }
  stockReserved(tx, orderId, lines, expiresAt);
  return { answer: 'reserved', changedProductIds: lines.map((l) => l.productId), shortItems: [] };
}

const RULES: Record<ReservationStep, (level: StockLevel, quantity: number, orderId: string, reason: string) => StockChange> = {
  commit: (level, quantity, orderId) => commit(level, quantity, orderId),
  release,
  restock,
};

export interface StepOptions {
  reason?: string;
  /** The sweeper: only reservations whose deadline passed, skipping rows another transaction holds. */
  expiredOnly?: boolean;
}

/**
 * Applies one saga step (commit, release, restock) to every reservation of the order that is in
 * the status the step starts from. The reservation rows are locked first (the sweeper and a
 * command for the same order can't both act on one), then each inventory row in product id
 * order. Reservations in any other status are left alone: a late or repeated command changes
 * nothing. Returns how many reservations it moved.
 */
export async function applyStep(tx: EntityManager, orderId: string, step: ReservationStep, options: StepOptions = {}): Promise<StockOutcome<'applied'> & { moved: number }> {
  const rows = (
    await tx.execute<Record<string, unknown>[]>(
      `select * from reservations where order_id = ? and status = ? ${options.expiredOnly ? 'and expires_at <= now()' : ''}
       order by product_id for update ${options.expiredOnly ? 'skip locked' : ''}`,
      [orderId, statusBefore(step)],
    )
  ).map(reservationFromRow);
  const reason = options.reason ?? step;
  for (const reservation of rows) {
    const level = await lockLevel(tx, reservation.productId);
    if (!level) throw new Error(`No inventory row for product ${reservation.productId} of order ${orderId}`);
    const { level: after, movement } = RULES[step](level, reservation.quantity, orderId, reason);
    await writeLevel(tx, reservation.productId, after);
    await recordMovement(tx, reservation.productId, movement);
    await tx.execute('update reservations set status = ?, updated_at = now() where order_id = ? and product_id = ?', [nextStatus(reservation.status, step), orderId, reservation.productId], 'run');
  }
  return { answer: 'applied', moved: rows.length, changedProductIds: rows.map((r) => r.productId) };
}

/**
 * The order was paid: held → committed. Answers catalog.stock.committed when the order's stock is
 * committed (now or by an earlier command). When nothing of the order is held or committed (the
 * sweeper released it first, or it never reserved) there is no sale to confirm: no answer, a
 * warning; the order service already got catalog.stock.released (reason expired) from the sweeper.
 */
export async function commitStock(tx: EntityManager, orderId: string, logger?: Logger): Promise<StockOutcome<'committed' | 'nothing-to-commit'>> {
  const { moved, changedProductIds } = await applyStep(tx, orderId, 'commit');
  const committed = moved > 0 || (await reservationsOf(tx, orderId)).some((r) => r.status === 'committed' || r.status === 'restocked');
  if (!committed) {
    logger?.warn('commit-stock for an order with nothing held; not confirmed', { orderId });
    return { answer: 'nothing-to-commit', changedProductIds };
  }
  stockCommitted(tx, orderId);
  return { answer: 'committed', changedProductIds };
}

/** The checkout failed: held → released. Always answered: afterwards nothing of the order is held, which is what was asked. */
export async function releaseStock(tx: EntityManager, orderId: string, reason: string): Promise<StockOutcome<'released'>> {
  const { changedProductIds } = await applyStep(tx, orderId, 'release', { reason });
  stockReleased(tx, orderId, reason);
  return { answer: 'released', changedProductIds };
}

/** A committed order was cancelled: committed → restocked. Always answered: afterwards nothing of the order is committed. */
export async function restockOrder(tx: EntityManager, orderId: string, reason: string): Promise<StockOutcome<'restocked'>> {
  const { changedProductIds } = await applyStep(tx, orderId, 'restock', { reason });
  stockRestocked(tx, orderId);
  return { answer: 'restocked', changedProductIds };
}

/** The sweeper's step for one order: its expired held reservations are released with reason "expired". */
export async function releaseExpired(tx: EntityManager, orderId: string): Promise<StockOutcome<'released' | 'none'> & { moved: number }> {
  const { moved, changedProductIds } = await applyStep(tx, orderId, 'release', { reason: 'expired', expiredOnly: true });
  if (moved === 0) return { answer: 'none', moved, changedProductIds };
  stockReleased(tx, orderId, 'expired');
  return { answer: 'released', moved, changedProductIds };
}
