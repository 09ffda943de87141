import { ConflictError, ValidationError } from '@commerce/shared';

/**
 * Stock of one product, as pure rules (no I/O): `onHand` units are in the warehouse, `reserved`
 * of them are promised to orders whose checkout is in progress, `available = onHand - reserved`
 * may be sold. Invariant: `onHand >= reserved >= 0`; the database enforces it too (CHECK
 * constraints on inventory), so a bug that slips past these rules fails the transaction instead
 * of corrupting stock.
 *
 * Every rule returns the new level AND the movement it causes: the audit trail is not an
 * afterthought of the caller, and summing the movements of a product always gives its figures.
 */
export interface StockLevel {
  readonly onHand: number;
  readonly reserved: number;
}

export type MovementKind = 'initial' | 'adjustment' | 'reservation' | 'commit' | 'release' | 'restock';

/** Who caused a change that no admin made (commands of the checkout saga, the sweeper). */
export const SYSTEM_ACTOR = 'system';

/** The largest stock a Postgres `integer` column holds. */
export const MAX_STOCK = 2_147_483_647;

/** One row of the audit trail, before persistence gives it an id, a product and a time. */
export interface Movement {
  readonly kind: MovementKind;
  readonly deltaOnHand: number;
  readonly deltaReserved: number;
  readonly onHandAfter: number;
  readonly reservedAfter: number;
  readonly reason: string | null;
  readonly orderId: string | null;
  /** The admin's customer id, or "system". */
  readonly actor: string;
}

export interface StockChange {
  readonly level: StockLevel;
  readonly movement: Movement;
}

/** onHand + delta would drop below what is reserved, or a reservation wants more than is available. HTTP 409. */
export class InsufficientStockError extends ConflictError {
  constructor(
    readonly requested: number,
    readonly available: number,
    message = `Only ${available} units are available; ${requested} were requested.`,
  ) {
    super('INSUFFICIENT_STOCK', message);
  }
}

/**
 * A commit or release for more than is reserved: the reservations and the inventory disagree,
 * which only a bug or a hand-edited row can cause. A plain Error (HTTP 500, message retried then
 * dead-lettered), never a client's fault.
 */
export class StockInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StockInvariantError';
  }
}

export const available = (level: StockLevel): number => level.onHand - level.reserved;

export const EMPTY: StockLevel = { onHand: 0, reserved: 0 };

function assertQuantity(quantity: number, what: string): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new ValidationError(`${what} must be a positive integer.`, [{ path: '/quantity', message: 'must be a positive integer' }]);
  }
}

function change(
  level: StockLevel,
  kind: MovementKind,
  deltaOnHand: number,
  deltaReserved: number,
  context: { reason?: string | null; orderId?: string | null; actor?: string },
): StockChange {
  const next = { onHand: level.onHand + deltaOnHand, reserved: level.reserved + deltaReserved };
  if (next.onHand > MAX_STOCK) throw new ValidationError(`Stock on hand cannot exceed ${MAX_STOCK}.`, [{ path: '/delta', message: 'too large' }]);
  if (next.reserved < 0 || next.onHand < next.reserved) {
    throw new StockInvariantError(`${kind} would break onHand >= reserved >= 0 (${next.onHand}, ${next.reserved})`);
  }
  return {
    level: next,
    movement: {
      kind,
      deltaOnHand,
      deltaReserved,
      onHandAfter: next.onHand,
      reservedAfter: next.reserved,
      reason: context.reason ?? null,
      orderId: context.orderId ?? null,
      actor: context.actor ?? SYSTEM_ACTOR,
    },
  };
}

/** The stock a product is created with (POST /products `initialStock`, bulk create). */
export function initialStock(quantity: number, actor: string): StockChange {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new ValidationError('initialStock must be a non-negative integer.', [{ path: '/initialStock', message: 'must be >= 0' }]);
  }
  return change(EMPTY, 'initial', quantity, 0, { actor });
}

/** An admin's correction (count, damage, delivery): onHand may never drop below reserved. */
export function adjust(level: StockLevel, delta: number, reason: string, actor: string): StockChange {
  if (!Number.isSafeInteger(delta) || delta === 0) {
    throw new ValidationError('delta must be a non-zero integer.', [{ path: '/delta', message: 'must be a non-zero integer' }]);
  }
  if (level.onHand + delta < level.reserved) {
    throw new InsufficientStockError(
      -delta,
      available(level),
      `onHand ${level.onHand} + delta ${delta} would drop below the ${level.reserved} units reserved for orders.`,
    );
  }
  return change(level, 'adjustment', delta, 0, { reason, actor });
}

/** Holds `quantity` for an order: available must cover it. */
export function reserve(level: StockLevel, quantity: number, orderId: string): StockChange {
  assertQuantity(quantity, 'A reservation');
  if (available(level) < quantity) throw new InsufficientStockError(quantity, available(level));
  return change(level, 'reservation', 0, quantity, { orderId });
}

/** The order was paid: the held units leave the warehouse for good. */
export function commit(level: StockLevel, quantity: number, orderId: string): StockChange {
  assertQuantity(quantity, 'A commit');
  if (level.reserved < quantity) throw new StockInvariantError(`commit of ${quantity} but only ${level.reserved} reserved`);
  return change(level, 'commit', -quantity, -quantity, { orderId });
}

/** The checkout failed or its deadline passed: the held units become available again. */
export function release(level: StockLevel, quantity: number, orderId: string, reason: string): StockChange {
  assertQuantity(quantity, 'A release');
  if (level.reserved < quantity) throw new StockInvariantError(`release of ${quantity} but only ${level.reserved} reserved`);
  return change(level, 'release', 0, -quantity, { orderId, reason });
}

/** A committed order was cancelled: its units come back to the shelf. */
export function restock(level: StockLevel, quantity: number, orderId: string, reason: string): StockChange {
  assertQuantity(quantity, 'A restock');
  return change(level, 'restock', quantity, 0, { orderId, reason });
}

/** Sums an audit trail: replaying every movement of a product from nothing gives its current level. */
export function replay(movements: readonly Pick<Movement, 'deltaOnHand' | 'deltaReserved'>[]): StockLevel {
  return movements.reduce<StockLevel>((level, m) => ({ onHand: level.onHand + m.deltaOnHand, reserved: level.reserved + m.deltaReserved }), EMPTY);
}
