import { expect } from 'chai';
import { ValidationError } from '../../src/errors.js';
import { decodeCursor, encodeCursor, toPage } from '../../src/http/pagination.js';

describe('keyset pagination', () => {
  it('when a cursor is encoded and decoded, then the position comes back', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 'id-1']), 2)).to.deep.equal(['2026-01-01T00:00:00.000Z', 'id-1']);
  });

  for (const bad of ['%%%', Buffer.from('{"a":1}').toString('base64url'), encodeCursor(['only-one']), Buffer.from('[{}, 1]').toString('base64url')]) {
    it(`when the cursor ${bad} is tampered with, then it is a 400 INVALID_CURSOR`, () => {
      expect(() => decodeCursor(bad, 2)).to.throw(ValidationError).with.property('code', 'INVALID_CURSOR');
    });
  }

  it('when there are more rows than the limit, then a page and the cursor of its last row are returned', () => {
    const page = toPage([1, 2, 3], 2, (n) => n * 10, (n) => [n]);
    expect(page.items).to.deep.equal([10, 20]);
    expect(decodeCursor(page.nextCursor!, 1)).to.deep.equal([2]);
  });

  it('when the rows fit, then there is no next cursor', () => {
    expect(toPage([1, 2], 2, (n) => n, (n) => [n])).to.deep.equal({ items: [1, 2], nextCursor: null });
    expect(toPage([], 2, (n) => n, (n) => [n])).to.deep.equal({ items: [], nextCursor: null });
  });
});
