import { ValidationError } from '@commerce/shared';
import type { StockLevel } from './inventory.js';
import { available } from './inventory.js';

/**
 * A reservation is the stock held for one product of one order. Its lifecycle:
 *
 *   held ──commit──▶ committed ──restock──▶ restocked
 *     └───release (failed checkout, or the deadline passed: the sweeper)──▶ released
 *
 * Each step sits next to its compensation: reserve is undone by release, commit by restock.
 * Any other step is not applicable and changes nothing (a command that arrives after the
 * sweeper released, a second commit, ...): the command handlers skip such reservations.
 */
export type ReservationStatus = 'held' | 'committed' | 'released' | 'restocked';
export type ReservationStep = 'commit' | 'release' | 'restock';

const STEPS: Record<ReservationStep, { from: ReservationStatus; to: ReservationStatus }> = {
  commit: { from: 'held', to: 'committed' },
  release: { from: 'held', to: 'released' },
  restock: { from: 'committed', to: 'restocked' },
};

/** The status a step leads to, or null when the step does not apply to a reservation in `status`. */
export function nextStatus(status: ReservationStatus, step: ReservationStep): ReservationStatus | null {
  return STEPS[step].from === status ? STEPS[step].to : null;
}

/** The status a reservation must be in for `step` to apply (what the handlers select and lock). */
export const statusBefore = (step: ReservationStep): ReservationStatus => STEPS[step].from;

export interface RequestedItem {
  readonly productId: string;
  readonly quantity: number;
}

export interface ShortItem {
  readonly productId: string;
  readonly requested: number;
  readonly available: number;
}

/**
 * The lines of a reserve command as the database guard takes them: one line per product (a
 * product named twice is reserved once, for the sum), in product id order. Every transaction
 * locks inventory rows in that same order, so two orders sharing products can't deadlock.
 */
export function reservationLines(items: readonly RequestedItem[]): RequestedItem[] {
  if (items.length === 0) throw new ValidationError('A reservation needs at least one item.', [{ path: '/items', message: 'must not be empty' }]);
  const byProduct = new Map<string, number>();
  for (const item of items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      throw new ValidationError('Quantities must be positive integers.', [{ path: '/items', message: `quantity of ${item.productId} must be positive` }]);
    }
    byProduct.set(item.productId, (byProduct.get(item.productId) ?? 0) + item.quantity);
  }
  return [...byProduct]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/**
 * All or nothing: the lines that the stock can't cover. A product that is unknown or archived
 * (no level) counts as available 0. Empty means every line fits.
 */
export function shortItems(lines: readonly RequestedItem[], levelOf: (productId: string) => StockLevel | undefined): ShortItem[] {
  return lines.flatMap((line) => {
    const level = levelOf(line.productId);
    const free = level ? Math.max(available(level), 0) : 0;
    return free >= line.quantity ? [] : [{ productId: line.productId, requested: line.quantity, available: free }];
  });
}

/** Whether a held reservation's deadline has passed (what the sweeper looks for). */
export const isExpired = (reservation: { status: ReservationStatus; expiresAt: Date }, now: Date): boolean =>
  reservation.status === 'held' && reservation.expiresAt.getTime() <= now.getTime();
