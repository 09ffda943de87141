import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { createEnvelope, createLogger, createOrm, messagingEntities, type Envelope, type MikroORM } from '@commerce/shared';
import { loadCatalogConfig } from '../../src/config.js';
import { migrations } from '../../src/migrations.js';
import { entities } from '../../src/persistence/schemas.js';

/**
 * Fixtures of the stock tests. They create their own products with fresh ids and delete only
 * those afterwards, instead of wiping tables, so they never disturb rows other tests own.
 */
export interface StockDb {
  orm: MikroORM;
  db: pg.Pool;
  products: string[];
}

export function useStockDatabase(poolMax = 40): StockDb {
  const s = { products: [] as string[] } as StockDb;
  before(async () => {
    const config = loadCatalogConfig({ ...process.env, LOG_LEVEL: 'error' });
    s.orm = await createOrm({ url: config.DATABASE_URL, entities: [...entities, ...messagingEntities], migrations, logger: createLogger('catalog-test', 'error'), poolMax });
    await s.orm.getMigrator().up();
    s.db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
  });
  afterEach(async () => {
    await deleteProducts(s.db, s.products.splice(0));
  });
  after(async () => {
    await s.orm?.close();
    await s.db?.end();
  });
  return s;
}

export async function deleteProducts(db: pg.Pool, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  for (const table of ['reservations', 'stock_movements', 'inventory', 'products']) {
    await db.query(`delete from ${table} where ${table === 'products' ? 'id' : 'product_id'} = any($1::uuid[])`, [ids]);
  }
}

/** An active product with `onHand` units and its initial movement, straight into the tables. */
export async function stockedProduct(s: StockDb, onHand: number, status: 'active' | 'archived' = 'active'): Promise<string> {
  const id = randomUUID();
  s.products.push(id);
  await s.db.query(
    `insert into products (id, sku, name, description, price_cents, status, created_at, updated_at) values ($1, $2, 'Stock test item', '', 100, $3, now(), now())`,
    [id, `stock-${id}`, status],
  );
  await s.db.query('insert into inventory (product_id, on_hand, reserved, updated_at) values ($1, $2, 0, now())', [id, onHand]);
  await s.db.query(
    `insert into stock_movements (id, product_id, kind, delta_on_hand, delta_reserved, on_hand_after, reserved_after, actor, created_at)
     values ($1, $2, 'initial', $3, 0, $3, 0, 'system', now())`,
    [randomUUID(), id, onHand],
  );
  return id;
}

export async function levelOf(s: StockDb, productId: string): Promise<{ onHand: number; reserved: number }> {
  const { rows } = await s.db.query('select on_hand, reserved from inventory where product_id = $1', [productId]);
  return { onHand: rows[0].on_hand, reserved: rows[0].reserved };
}

/**
 * The invariants of one product's stock: onHand >= reserved >= 0, reserved is exactly what the
 * held reservations hold, and the audit trail sums to the figures (its newest row shows them).
 */
export async function expectInvariants(s: StockDb, productId: string): Promise<void> {
  const level = await levelOf(s, productId);
  expect(level.reserved).to.be.at.least(0);
  expect(level.onHand).to.be.at.least(level.reserved);
  const held = await s.db.query(`select coalesce(sum(quantity), 0)::int as n from reservations where product_id = $1 and status = 'held'`, [productId]);
  expect(held.rows[0].n, 'reserved = held reservations').to.equal(level.reserved);
  const sums = await s.db.query(
    'select coalesce(sum(delta_on_hand), 0)::int as on_hand, coalesce(sum(delta_reserved), 0)::int as reserved from stock_movements where product_id = $1',
    [productId],
  );
  expect({ onHand: sums.rows[0].on_hand, reserved: sums.rows[0].reserved }, 'movements sum to the figures').to.deep.equal(level);
}

export async function movementsOf(s: StockDb, productId: string): Promise<{ kind: string; delta_on_hand: number; delta_reserved: number; order_id: string | null; reason: string | null; actor: string }[]> {
  const { rows } = await s.db.query('select * from stock_movements where product_id = $1 order by created_at', [productId]);
  return rows;
}

/** The data of the events the outbox holds for a correlation (order id) or a product, oldest first. */
export async function outboxEvents(s: StockDb, filter: { orderId?: string; productId?: string; type?: string }): Promise<Envelope[]> {
  const { rows } = await s.db.query<{ payload: Envelope }>(
    `select payload from outbox
     where ($1::text is null or payload->'data'->>'orderId' = $1) and ($2::text is null or payload->'data'->>'productId' = $2) and ($3::text is null or type = $3)
     order by created_at, payload->>'occurredAt'`,
    [filter.orderId ?? null, filter.productId ?? null, filter.type ?? null],
  );
  return rows.map((r) => r.payload);
}

/** A command envelope as the order service would send it. */
export function command<T extends Record<string, unknown>>(type: string, data: T, messageId: string = randomUUID()): Envelope<T> {
  return createEnvelope({ type, data, messageId, correlationId: (data.orderId as string | undefined) ?? messageId });
}
