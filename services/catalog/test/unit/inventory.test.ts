import { expect } from 'chai';
import { ConflictError, ValidationError } from '@commerce/shared';
import {
  InsufficientStockError,
  StockInvariantError,
  SYSTEM_ACTOR,
  adjust,
  available,
  commit,
  initialStock,
  release,
  replay,
  reserve,
  restock,
} from '../../src/domain/inventory.js';

const ORDER = '0b6f1c8e-4d5a-4c3e-9a1b-2c3d4e5f6a7b';
const ADMIN = '9d1c2b3a-0000-4000-8000-000000000001';

describe('inventory rules', () => {
  it('when stock is created, then the initial movement puts it on hand and names the admin', () => {
    const { level, movement } = initialStock(12, ADMIN);
    expect(level).to.deep.equal({ onHand: 12, reserved: 0 });
    expect(movement).to.deep.equal({ kind: 'initial', deltaOnHand: 12, deltaReserved: 0, onHandAfter: 12, reservedAfter: 0, reason: null, orderId: null, actor: ADMIN });
    expect(() => initialStock(-1, ADMIN)).to.throw(ValidationError);
  });

  it('available is onHand minus reserved', () => {
    expect(available({ onHand: 10, reserved: 3 })).to.equal(7);
  });

  describe('adjust', () => {
    it('when an admin adds or removes stock above what is reserved, then onHand moves and the movement carries reason and actor', () => {
      const up = adjust({ onHand: 5, reserved: 2 }, 10, 'delivery', ADMIN);
      expect(up.level).to.deep.equal({ onHand: 15, reserved: 2 });
      expect(up.movement).to.include({ kind: 'adjustment', deltaOnHand: 10, deltaReserved: 0, onHandAfter: 15, reservedAfter: 2, reason: 'delivery', actor: ADMIN, orderId: null });
      const down = adjust({ onHand: 5, reserved: 2 }, -3, 'damaged', ADMIN);
      expect(down.level).to.deep.equal({ onHand: 2, reserved: 2 });
    });

    it('when onHand would drop below reserved, then it is refused with 409 INSUFFICIENT_STOCK', () => {
      const attempt = () => adjust({ onHand: 5, reserved: 2 }, -4, 'count', ADMIN);
      expect(attempt).to.throw(InsufficientStockError).with.property('code', 'INSUFFICIENT_STOCK');
      expect(attempt).to.throw(ConflictError).with.property('status', 409);
    });

    it('when delta is 0 or not an integer, then it is a validation error', () => {
      expect(() => adjust({ onHand: 5, reserved: 0 }, 0, 'x', ADMIN)).to.throw(ValidationError);
      expect(() => adjust({ onHand: 5, reserved: 0 }, 1.5, 'x', ADMIN)).to.throw(ValidationError);
    });

    it('when onHand would overflow the integer column, then it is a validation error', () => {
      expect(() => adjust({ onHand: 2_147_483_000, reserved: 0 }, 1_000, 'x', ADMIN)).to.throw(ValidationError);
    });
  });

  describe('reserve', () => {
    it('when enough is available, then reserved grows by the quantity and onHand stays', () => {
      const { level, movement } = reserve({ onHand: 10, reserved: 4 }, 6, ORDER);
      expect(level).to.deep.equal({ onHand: 10, reserved: 10 });
      expect(movement).to.include({ kind: 'reservation', deltaOnHand: 0, deltaReserved: 6, orderId: ORDER, actor: SYSTEM_ACTOR, reason: null });
    });

    it('when less is available than requested, then it is refused and says how much is available', () => {
      expect(() => reserve({ onHand: 10, reserved: 8 }, 3, ORDER))
        .to.throw(InsufficientStockError)
        .that.satisfies((e: InsufficientStockError) => e.requested === 3 && e.available === 2);
    });

    it('when the quantity is not positive, then it is a validation error', () => {
      expect(() => reserve({ onHand: 10, reserved: 0 }, 0, ORDER)).to.throw(ValidationError);
    });
  });

  describe('commit', () => {
    it('when a held quantity is committed, then it leaves both onHand and reserved', () => {
      const { level, movement } = commit({ onHand: 10, reserved: 4 }, 3, ORDER);
      expect(level).to.deep.equal({ onHand: 7, reserved: 1 });
      expect(movement).to.include({ kind: 'commit', deltaOnHand: -3, deltaReserved: -3, orderId: ORDER, actor: SYSTEM_ACTOR });
    });

    it('when more is committed than reserved, then it is an invariant error (a bug, not a client error)', () => {
      expect(() => commit({ onHand: 10, reserved: 2 }, 3, ORDER)).to.throw(StockInvariantError);
    });
  });

  describe('release', () => {
    it('when a held quantity is released, then it becomes available again with the reason', () => {
      const { level, movement } = release({ onHand: 10, reserved: 4 }, 4, ORDER, 'expired');
      expect(level).to.deep.equal({ onHand: 10, reserved: 0 });
      expect(movement).to.include({ kind: 'release', deltaOnHand: 0, deltaReserved: -4, reason: 'expired', orderId: ORDER });
    });

    it('when more is released than reserved, then it is an invariant error', () => {
      expect(() => release({ onHand: 10, reserved: 1 }, 2, ORDER, 'x')).to.throw(StockInvariantError);
    });
  });

  describe('restock', () => {
    it('when a committed order is cancelled, then its units come back on hand', () => {
      const { level, movement } = restock({ onHand: 7, reserved: 1 }, 3, ORDER, 'order cancelled');
      expect(level).to.deep.equal({ onHand: 10, reserved: 1 });
      expect(movement).to.include({ kind: 'restock', deltaOnHand: 3, deltaReserved: 0, reason: 'order cancelled', orderId: ORDER });
    });
  });

  it('when the movements of a history are replayed, then they sum to the current level', () => {
    const a = initialStock(10, ADMIN);
    const b = reserve(a.level, 4, ORDER);
    const c = commit(b.level, 4, ORDER);
    const d = adjust(c.level, 5, 'delivery', ADMIN);
    expect(replay([a, b, c, d].map((s) => s.movement))).to.deep.equal(d.level);
  });
});
