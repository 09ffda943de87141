import { expect } from 'chai';
import { ValidationError } from '@commerce/shared';
import { isExpired, nextStatus, reservationLines, shortItems, statusBefore } from '../../src/domain/reservation.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

describe('reservation rules', () => {
  it('when a step applies, then it leads to the next status; held is committed or released, committed is restocked', () => {
    expect(nextStatus('held', 'commit')).to.equal('committed');
    expect(nextStatus('held', 'release')).to.equal('released');
    expect(nextStatus('committed', 'restock')).to.equal('restocked');
    expect(statusBefore('restock')).to.equal('committed');
  });

  it('when a step does not apply (late command, repeat), then there is no next status', () => {
    for (const status of ['committed', 'released', 'restocked'] as const) {
      expect(nextStatus(status, 'commit')).to.equal(null);
      expect(nextStatus(status, 'release')).to.equal(null);
    }
    for (const status of ['held', 'released', 'restocked'] as const) expect(nextStatus(status, 'restock')).to.equal(null);
  });

  it('when a command names products out of order and one twice, then lines are one per product, summed, in product id order', () => {
    expect(
      reservationLines([
        { productId: C, quantity: 1 },
        { productId: A, quantity: 2 },
        { productId: C, quantity: 3 },
        { productId: B, quantity: 1 },
      ]),
    ).to.deep.equal([
      { productId: A, quantity: 2 },
      { productId: B, quantity: 1 },
      { productId: C, quantity: 4 },
    ]);
  });

  it('when a command has no items or a non-positive quantity, then it is a validation error', () => {
    expect(() => reservationLines([])).to.throw(ValidationError);
    expect(() => reservationLines([{ productId: A, quantity: 0 }])).to.throw(ValidationError);
  });

  it('when some lines exceed what is available, then exactly those are short; unknown products have 0 available', () => {
    const levels = new Map([
      [A, { onHand: 5, reserved: 1 }],
      [B, { onHand: 5, reserved: 5 }],
    ]);
    const lines = [
      { productId: A, quantity: 4 },
      { productId: B, quantity: 1 },
      { productId: C, quantity: 2 },
    ];
    expect(shortItems(lines, (id) => levels.get(id))).to.deep.equal([
      { productId: B, requested: 1, available: 0 },
      { productId: C, requested: 2, available: 0 },
    ]);
    expect(shortItems([{ productId: A, quantity: 4 }], (id) => levels.get(id))).to.deep.equal([]);
  });

  it('when a held reservation reaches its deadline, then it is expired; other statuses never expire', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(isExpired({ status: 'held', expiresAt: new Date('2026-01-01T12:00:00Z') }, now)).to.equal(true);
    expect(isExpired({ status: 'held', expiresAt: new Date('2026-01-01T12:00:01Z') }, now)).to.equal(false);
    expect(isExpired({ status: 'committed', expiresAt: new Date('2025-01-01T00:00:00Z') }, now)).to.equal(false);
  });
});
