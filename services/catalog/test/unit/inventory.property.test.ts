import { expect } from 'chai';
import fc from 'fast-check';
import {
  InsufficientStockError,
  adjust,
  commit,
  initialStock,
  release,
  replay,
  reserve,
  restock,
  type Movement,
  type StockLevel,
} from '../../src/domain/inventory.js';
import { nextStatus, type ReservationStatus, type ReservationStep } from '../../src/domain/reservation.js';

/**
 * Random histories of one product: reserve / commit / release / restock for a handful of orders,
 * and admin adjustments. Whatever the sequence, `onHand >= reserved >= 0` holds after every
 * step, reserved equals what the held reservations hold, and the audit trail sums to the figures.
 */
type Command =
  | { kind: 'reserve'; order: number; quantity: number }
  | { kind: ReservationStep; order: number }
  | { kind: 'adjust'; delta: number };

const ORDERS = 4;
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('reserve' as const), order: fc.nat(ORDERS - 1), quantity: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constantFrom<ReservationStep>('commit', 'release', 'restock'), order: fc.nat(ORDERS - 1) }),
  fc.record({ kind: fc.constant('adjust' as const), delta: fc.integer({ min: -30, max: 30 }).filter((d) => d !== 0) }),
);

const orderId = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

interface Model {
  level: StockLevel;
  movements: Movement[];
  reservations: Map<number, { quantity: number; status: ReservationStatus }>;
}

function run(model: Model, cmd: Command): void {
  const record = (change: { level: StockLevel; movement: Movement }) => {
    model.level = change.level;
    model.movements.push(change.movement);
  };
  switch (cmd.kind) {
    case 'adjust':
      try {
        record(adjust(model.level, cmd.delta, 'count', 'admin'));
      } catch (error) {
        // The only refusal allowed: onHand would drop below reserved.
        expect(error).to.be.instanceOf(InsufficientStockError);
        expect(model.level.onHand + cmd.delta).to.be.lessThan(model.level.reserved);
      }
      return;
    case 'reserve': {
      if (model.reservations.has(cmd.order)) return; // idempotent per order: a second reserve changes nothing
      try {
        record(reserve(model.level, cmd.quantity, orderId(cmd.order)));
        model.reservations.set(cmd.order, { quantity: cmd.quantity, status: 'held' });
      } catch (error) {
        expect(error).to.be.instanceOf(InsufficientStockError);
        expect(model.level.onHand - model.level.reserved).to.be.lessThan(cmd.quantity);
      }
      return;
    }
    default: {
      const reservation = model.reservations.get(cmd.order);
      const next = reservation && nextStatus(reservation.status, cmd.kind);
      if (!reservation || !next) return; // the step does not apply: nothing changes
      const id = orderId(cmd.order);
      if (cmd.kind === 'commit') record(commit(model.level, reservation.quantity, id));
      else if (cmd.kind === 'release') record(release(model.level, reservation.quantity, id, 'checkout failed'));
      else record(restock(model.level, reservation.quantity, id, 'order cancelled'));
      reservation.status = next;
    }
  }
}

describe('inventory rules, property-based', () => {
  it('when any sequence of reserve/commit/release/restock/adjust runs, then onHand >= reserved >= 0 always and the movements sum to the figures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.array(command, { maxLength: 60 }), (start, commands) => {
        const first = initialStock(start, 'admin');
        const model: Model = { level: first.level, movements: [first.movement], reservations: new Map() };
        for (const cmd of commands) {
          run(model, cmd);
          const { onHand, reserved } = model.level;
          expect(reserved).to.be.at.least(0);
          expect(onHand).to.be.at.least(reserved);
          const held = [...model.reservations.values()].filter((r) => r.status === 'held').reduce((sum, r) => sum + r.quantity, 0);
          expect(reserved).to.equal(held);
          expect(replay(model.movements)).to.deep.equal(model.level);
          const last = model.movements.at(-1)!;
          expect({ onHand: last.onHandAfter, reserved: last.reservedAfter }).to.deep.equal(model.level);
        }
      }),
      { numRuns: 500 },
    );
  });
});
