import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger } from '@commerce/shared';
import { runNode } from '@commerce/shared/testing';
import { loadCatalogConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { migrations } from '../../src/migrations.js';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));
const tablesOf = async (db: pg.Client) =>
  (await db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename);

describe('catalog migrations and operator commands', () => {
  it('when every migration is reverted and applied again, then the schema goes away and comes back whole', async () => {
    const config = loadCatalogConfig();
    const orm = await openDatabase(config.DATABASE_URL, createLogger('catalog-test', 'error'));
    const db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    try {
      const migrator = orm.getMigrator();
      await migrator.up();
      await migrator.down({ to: 0 });
      expect(await tablesOf(db)).to.deep.equal(['mikro_orm_migrations']);
      const applied = await migrator.up();
      expect(applied.map((m) => m.name)).to.deep.equal(migrations.map((m) => m.name));
      expect(await tablesOf(db)).to.include.members(['categories', 'products', 'inventory', 'stock_movements', 'reservations', 'outbox', 'inbox']);
      const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'products'`)).rows.map((r) => r.indexname);
      expect(indexes).to.include.members([
        'products_sku_unique',
        'products_active_created_at_id',
        'products_active_price_id',
        'products_active_name_id',
        'products_category',
        'products_search',
        'products_name_trgm',
      ]);
      expect(await migrator.getPendingMigrations()).to.deep.equal([]);
    } finally {
      await db.end();
      await orm.close();
    }
  });

  it('when migrate up runs twice, then the second run applies nothing; an unknown direction is refused', function () {
    this.timeout(60_000); // several node processes in a row, each compiling TypeScript on start
    runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    const second = runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('catalog: applied 0 migration(s)');
    expect(runNode(serviceDir, 'src/cli/migrate.ts', ['sideways'], process.env).status).to.equal(2);
  });

  it('when JWKS_URL is missing or malformed, then the service refuses to start and names it', () => {
    const { JWKS_URL: _dropped, ...env } = process.env;
    const missing = runNode(serviceDir, 'src/main.ts', [], env);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/JWKS_URL is missing/);
    const malformed = runNode(serviceDir, 'src/main.ts', [], { ...process.env, JWKS_URL: 'not a url', PORT: 'eighty' });
    expect(malformed.status).to.equal(1);
    expect(malformed.stderr).to.match(/JWKS_URL is malformed/);
    expect(malformed.stderr).to.match(/PORT is malformed/);
  });
});
