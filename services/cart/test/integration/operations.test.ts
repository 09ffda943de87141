import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import amqp from 'amqplib';
import { createLogger } from '@commerce/shared';
import { eventually, runNode, runNodeAsync } from '@commerce/shared/testing';
import { loadCartConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { migrations } from '../../src/migrations.js';
import { CART_EVENTS_QUEUE } from '../../src/messaging/cart-events-consumer.js';
import { migrateTestDatabase, testConfig } from '../support/harness.js';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));
const tablesOf = async (db: pg.Client) =>
  (await db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename);

/**
 * A stub of the catalog's public GET /api/v1/products (the one place a fake is fine: it stands in
 * for another service's API, not for infrastructure), serving `products` in pages of 2.
 */
function stubCatalog(products: object[], status = 200): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (url.pathname !== '/api/v1/products' || status !== 200) {
      res.writeHead(status === 200 ? 404 : status).end();
      return;
    }
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const items = products.slice(from, from + 2);
    const nextCursor = from + 2 < products.length ? String(from + 2) : null;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, nextCursor }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('cart migrations and operator commands', () => {
  const config = testConfig();
  let db: pg.Client;
  before(async () => {
    await migrateTestDatabase(config);
    db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
  });
  after(() => db.end());

  it('when every migration is reverted and applied again, then the schema goes away and comes back whole', async () => {
    const orm = await openDatabase(config.DATABASE_URL, createLogger('cart-test', 'error'));
    try {
      const migrator = orm.getMigrator();
      await migrator.down({ to: 0 });
      expect(await tablesOf(db)).to.deep.equal(['mikro_orm_migrations']);
      const applied = await migrator.up();
      expect(applied.map((m) => m.name)).to.deep.equal(migrations.map((m) => m.name));
      expect(await tablesOf(db)).to.include.members(['carts', 'cart_items', 'product_snapshots', 'customer_addresses', 'outbox', 'inbox', 'idempotency_keys']);
      const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'carts'`)).rows.map((r) => r.indexname);
      expect(indexes).to.include.members(['carts_one_pending_per_customer', 'carts_pending_updated_at', 'carts_order_id_unique']);
    } finally {
      await orm.close();
    }
  });

  it('when migrate up runs before the service ever started, then cart.events exists and keeps what is published meanwhile', async () => {
    const connection = await amqp.connect(config.AMQP_URL);
    try {
      const channel = await connection.createChannel();
      for (const name of [CART_EVENTS_QUEUE, `${CART_EVENTS_QUEUE}.retry.1`, `${CART_EVENTS_QUEUE}.retry.2`, `${CART_EVENTS_QUEUE}.retry.3`, `${CART_EVENTS_QUEUE}.dlq`]) await channel.deleteQueue(name);
      const run = await runNodeAsync(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`queue ${CART_EVENTS_QUEUE} declared`);
      channel.publish('commerce.events', 'catalog.product.created', Buffer.from('{}'));
      await eventually(async () => expect((await channel.checkQueue(CART_EVENTS_QUEUE)).messageCount).to.equal(1));
      await channel.purgeQueue(CART_EVENTS_QUEUE);
    } finally {
      await connection.close();
    }
  });

  it('when migrate up runs twice, then the second applies nothing; an unknown direction is refused; a missing JWKS_URL stops the service', function () {
    this.timeout(60_000); // several node processes in a row, each compiling TypeScript on start
    runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    const second = runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('cart: applied 0 migration(s)');
    expect(runNode(serviceDir, 'src/cli/migrate.ts', ['sideways'], process.env).status).to.equal(2);
    const { JWKS_URL: _dropped, ...env } = process.env;
    const missing = runNode(serviceDir, 'src/main.ts', [], env);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/JWKS_URL is missing/);
  });

  it('when the read model is rebuilt from the catalog, then it holds exactly the listed products, stale and unlisted rows gone', async () => {
    await db.query('truncate product_snapshots');
    const stale = randomUUID();
    await db.query(`insert into product_snapshots (product_id, name, price_cents, status, available, last_event_at, available_at) values ($1, 'Gone', 1, 'active', 1, now(), now())`, [stale]);
    const listed = [1, 2, 3, 4, 5].map((n) => ({ id: randomUUID(), sku: `S-${n}`, name: `Product ${n}`, description: '', priceCents: n * 100, currency: 'USD', categoryId: null, status: 'active', available: n, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }));
    const catalog = await stubCatalog(listed);
    try {
      const url = `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`;
      const run = await runNodeAsync(serviceDir, 'src/cli/rebuild-products.ts', [], { ...process.env, CATALOG_URL: url });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.contain('5 products');
    } finally {
      catalog.close();
    }
    const { rows } = await db.query<{ product_id: string; name: string; price_cents: number; available: number; status: string }>(
      'select product_id, name, price_cents, available, status from product_snapshots order by price_cents',
    );
    expect(rows).to.deep.equal(listed.map((p) => ({ product_id: p.id, name: p.name, price_cents: p.priceCents, available: p.available, status: 'active' })));
  });

  it('when the catalog fails during the rebuild, then the command fails and the read model is unchanged', async () => {
    await db.query('truncate product_snapshots');
    const kept = randomUUID();
    await db.query(`insert into product_snapshots (product_id, name, price_cents, status, available, last_event_at, available_at) values ($1, 'Kept', 1, 'active', 1, now(), now())`, [kept]);
    const catalog = await stubCatalog([], 503);
    try {
      const url = `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`;
      const run = await runNodeAsync(serviceDir, 'src/cli/rebuild-products.ts', [], { ...process.env, CATALOG_URL: url });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain('503');
    } finally {
      catalog.close();
    }
    expect((await db.query('select product_id from product_snapshots')).rows).to.deep.equal([{ product_id: kept }]);
    await db.query('truncate product_snapshots');
  });

  it('when the configuration is read, then the defaults are the documented ones', () => {
    const defaults = loadCartConfig({ ...process.env, CATALOG_URL: undefined, CART_IDLE_ABANDON_AFTER_HOURS: undefined, PORT: undefined });
    expect(defaults).to.include({ CATALOG_URL: 'http://127.0.0.1:3002', CART_IDLE_ABANDON_AFTER_HOURS: 72, PORT: 3003 });
  });
});
