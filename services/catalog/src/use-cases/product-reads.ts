import { createHash } from 'node:crypto';
import { ValidationError, decodeCursor, encodeCursor, type EntityManager, type Page } from '@commerce/shared';
import type { Product, ProductStatus } from '../domain/product.js';

/** The public shape of a product (contracts/openapi/catalog.yaml): nothing else leaves. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  categoryId: string | null;
  status: ProductStatus;
  available: number;
  createdAt: string;
  updatedAt: string;
}

export const PRODUCT_SORTS = ['createdAt', '-createdAt', 'priceCents', '-priceCents', 'name'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ProductQuery {
  q?: string;
  categoryId?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
  inStock?: boolean;
  sort: ProductSort;
  limit: number;
  cursor?: string;
}

/*
 * The read side is plain SQL (one query per page or product, inventory joined in), not the unit of
 * work: it is the hot path, and its results go to the cache as ready JSON.
 */
const COLUMNS = `p.id, p.sku, p.name, p.description, p.price_cents, p.currency, p.category_id, p.status,
  coalesce(i.on_hand - i.reserved, 0) as available, p.created_at, p.updated_at`;

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  category_id: string | null;
  status: ProductStatus;
  available: number | string;
  created_at: Date | string;
  updated_at: Date | string;
}

export function presentRow(row: ProductRow): ProductView {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: Number(row.price_cents),
    currency: row.currency,
    categoryId: row.category_id,
    status: row.status,
    available: Number(row.available),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The same shape from the domain object, for the writes that already hold it (no second read). */
export function presentProduct(p: Product, available: number): ProductView {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    priceCents: p.priceCents,
    currency: p.currency,
    categoryId: p.categoryId,
    status: p.status,
    available,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** One product as the public sees it; archived or unknown: null. */
export async function findActiveProductView(em: EntityManager, id: string): Promise<ProductView | null> {
  const [row] = await em.execute<ProductRow[]>(
    `select ${COLUMNS} from products p left join inventory i on i.product_id = p.id where p.id = ? and p.status = 'active'`,
    [id],
  );
  return row ? presentRow(row) : null;
}

/** For each sort: the SQL key, its direction, and how the key is kept in the cursor. */
const isTime = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && !Number.isNaN(Date.parse(v));
const isPrice = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown) => typeof v === 'string';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface SortSpec {
  column: string;
  desc: boolean;
  key: (v: ProductView) => string | number;
  /** What a cursor's key must look like for this sort (a forged one is a 400, never a SQL error). */
  valid: (v: unknown) => boolean;
  sqlValue: string;
}

const ORDER: Record<ProductSort, SortSpec> = {
  createdAt: { column: 'p.created_at', desc: false, key: (v) => v.createdAt, valid: isTime, sqlValue: '?::timestamptz' },
  '-createdAt': { column: 'p.created_at', desc: true, key: (v) => v.createdAt, valid: isTime, sqlValue: '?::timestamptz' },
  priceCents: { column: 'p.price_cents', desc: false, key: (v) => v.priceCents, valid: isPrice, sqlValue: '?::integer' },
  '-priceCents': { column: 'p.price_cents', desc: true, key: (v) => v.priceCents, valid: isPrice, sqlValue: '?::integer' },
  name: { column: 'p.name', desc: false, key: (v) => v.name, valid: isText, sqlValue: '?::text' },
};

/**
 * A cursor is only valid for the sort and filters it was issued for (the contract says so): it
 * carries the sort and a short fingerprint of the filters, and anything else is a 400.
 */
function fingerprint(query: ProductQuery): string {
  const filters = [query.q ?? null, query.categoryId ?? null, query.minPriceCents ?? null, query.maxPriceCents ?? null, query.inStock ?? null];
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);
}

/** LIKE treats % and _ as wildcards; a search for "a_b" means those characters literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The public listing: active products only, filtered, in one of the documented orders, keyset-
 * paginated on (sort key, id). The cursor holds the sort it was made for plus the last row's key
 * and id; the next page is "rows after that pair" in the same order, so rows inserted meanwhile
 * never shift a page (no duplicates, no gaps), unlike OFFSET.
 *
 * Search (`q`): full-text (English stemming, websearch syntax) over name and description via the
 * GIN index on the generated `search` column, OR a substring of the name via the trigram index, so
 * "laptops" finds "Laptop" and "lapt" finds it too. Results keep the requested sort (not rank):
 * that is what keeps keyset pagination exact.
 */
export async function listProducts(em: EntityManager, query: ProductQuery): Promise<Page<ProductView>> {
  const order = ORDER[query.sort];
  const where: string[] = [`p.status = 'active'`];
  const params: unknown[] = [];
  if (query.q !== undefined) {
    where.push(`(p.search @@ websearch_to_tsquery('english', ?) or p.name ilike ?)`);
    params.push(query.q, `%${escapeLike(query.q)}%`);
  }
  if (query.categoryId !== undefined) {
    where.push('p.category_id = ?');
    params.push(query.categoryId);
  }
  if (query.minPriceCents !== undefined) {
    where.push('p.price_cents >= ?');
    params.push(query.minPriceCents);
  }
  if (query.maxPriceCents !== undefined) {
    where.push('p.price_cents <= ?');
    params.push(query.maxPriceCents);
  }
  if (query.inStock === true) where.push('i.on_hand > i.reserved');
  if (query.inStock === false) where.push('coalesce(i.on_hand - i.reserved, 0) <= 0');
  if (query.cursor !== undefined) {
    const [sort, filters, key, id] = decodeCursor(query.cursor, 4);
    if (sort !== query.sort || filters !== fingerprint(query) || !order.valid(key) || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
    where.push(`(${order.column}, p.id) ${order.desc ? '<' : '>'} (${order.sqlValue}, ?::uuid)`);
    params.push(key, id);
  }
  const direction = order.desc ? 'desc' : 'asc';
  params.push(query.limit + 1);
  const rows = await em.execute<ProductRow[]>(
    `select ${COLUMNS} from products p left join inventory i on i.product_id = p.id
     where ${where.join(' and ')}
     order by ${order.column} ${direction}, p.id ${direction}
     limit ?`,
    params,
  );
  const views = rows.map(presentRow);
  const hasMore = views.length > query.limit;
  const items = hasMore ? views.slice(0, query.limit) : views;
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor([query.sort, fingerprint(query), order.key(last), last.id]) : null };
}

function invalidCursor() {
  return new ValidationError('The cursor is not valid.', [{ path: '/query/cursor', message: 'the cursor belongs to another sort or other filters' }], 'INVALID_CURSOR');
}
