import { expect } from 'chai';
import pg from 'pg';
import { createLogger } from '@commerce/shared';
import { loadCustomerConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';

const tablesOf = async (db: pg.Client) =>
  (await db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename);

describe('migrations', () => {
  it('when every migration is reverted and applied again, then the schema goes away and comes back whole', async () => {
    const config = loadCustomerConfig();
    const orm = await openDatabase(config.DATABASE_URL, createLogger('customer-test', 'error'));
    const db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    try {
      const migrator = orm.getMigrator();
      await migrator.up();
      await migrator.down({ to: 0 });
      expect(await tablesOf(db)).to.deep.equal(['mikro_orm_migrations']);
      const applied = await migrator.up();
      expect(applied.map((m) => m.name)).to.deep.equal(['Migration20261125000000Customers', 'Migration20261125000001MessagingTables']);
      expect(await tablesOf(db)).to.include.members(['customers', 'addresses', 'refresh_tokens', 'outbox', 'inbox']);
      expect(await migrator.getPendingMigrations()).to.deep.equal([]);
    } finally {
      await db.end();
      await orm.close();
    }
  });
});
