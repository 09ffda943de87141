import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runNode } from '@commerce/shared/testing';
import { TABLES, migrateTestDatabase, testConfig } from '../support/harness.js';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));
const seed = () => runNode(serviceDir, 'src/cli/seed-demo.ts', [], process.env);

describe('the demo seed (src/cli/seed-demo.ts)', () => {
  let db: pg.Pool;
  before(async () => {
    await migrateTestDatabase(testConfig());
    db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    await db.query(`truncate ${TABLES} cascade`);
  });
  after(async () => {
    await db.query(`truncate ${TABLES} cascade`);
    await db.end();
  });

  it('when run twice, then 1,000 products in 10 categories with stock, and the second run changes nothing', async () => {
    const first = seed();
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('10 categories (10 new), 1000 products (1000 created, 0 changed, 0 unchanged)');
    const counts = async () =>
      (
        await db.query(`select (select count(*) from categories)::int as categories, (select count(*) from products)::int as products,
          (select count(*) from inventory where on_hand > 0)::int as stocked, (select count(*) from stock_movements)::int as movements,
          (select count(*) from outbox)::int as outbox, (select max(updated_at) from products) as last_update`)
      ).rows[0];
    const before = await counts();
    expect(before).to.include({ categories: 10, products: 1000 });
    expect(before.stocked).to.be.within(750, 950);
    expect(before.movements).to.equal(before.stocked);

    const second = seed();
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('10 categories (0 new), 1000 products (0 created, 0 changed, 1000 unchanged)');
    expect(await counts()).to.deep.equal(before);
  });
});
