import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { adjustInventory, listStockMovements } from '../../src/use-cases/inventory.js';
import { expectInvariants, stockedProduct, useStockDatabase } from '../support/stock-fixtures.js';

describe('inventory audit trail', () => {
  const s = useStockDatabase(10);

  it('when changes follow each other within the same millisecond, then the trail still lists them newest first in the order they happened', async () => {
    const productId = await stockedProduct(s, 0);
    const admin = randomUUID();
    for (let i = 1; i <= 25; i++) await adjustInventory(s.orm.em.fork(), productId, { delta: 1, reason: `count ${i}`, actor: admin });

    const walked = [];
    let cursor: string | undefined;
    do {
      const page = await listStockMovements(s.orm.em.fork(), productId, { limit: 4, ...(cursor ? { cursor } : {}) });
      walked.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(walked.map((m) => m.onHandAfter)).to.deep.equal(Array.from({ length: 26 }, (_, i) => 25 - i));
    expect(walked.at(-1)!.kind).to.equal('initial');
    for (let i = 1; i < walked.length; i++) expect(walked[i - 1]!.createdAt.getTime()).to.be.greaterThan(walked[i]!.createdAt.getTime());
    expect(new Set(walked.map((m) => m.id)).size).to.equal(26);
    await expectInvariants(s, productId);
  });
});
