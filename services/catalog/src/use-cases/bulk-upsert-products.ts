import { LockMode } from '@mikro-orm/postgresql';
import { isUniqueViolation, type EntityManager, type FieldError } from '@commerce/shared';
import { Product } from '../domain/product.js';
import { productUpdated } from '../messaging/product-events.js';
import { insertProducts, type ProductInput, type WriteContext } from './products.js';

export const BULK_MAX_ITEMS = 500;

export interface BulkResult {
  sku: string;
  productId: string;
  result: 'created' | 'updated';
}

/** Some items can't be written; nothing was. Every failing item is named (HTTP 422 BULK_REJECTED). */
export class BulkRejectedError extends Error {
  readonly code = 'BULK_REJECTED';
  constructor(readonly errors: FieldError[]) {
    super('No product was written because some items are invalid.');
    this.name = 'BulkRejectedError';
  }
}

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');
const itemPath = (index: number, field: string) => `/body/items/${index}/${field}`;

/**
 * POST /products/bulk: upsert by SKU, all in ONE transaction or nothing. Each item describes the
 * whole product: a new SKU creates it (with initialStock); a known SKU gets name, description,
 * price and category (omitted = none) and keeps its stock. A product is only touched (updatedAt,
 * event) when something really changes, so importing the same file twice changes nothing.
 *
 * Existing rows are locked in SKU order, so two overlapping imports queue instead of deadlocking.
 * If a concurrent request creates one of our new SKUs between our check and our insert, the unique
 * index fails our transaction, which is retried and then sees that product as existing. Several
 * imports racing can fail us again, but each failure means one more of our SKUs was committed
 * elsewhere, so there are at most as many retries as distinct SKUs.
 */
export async function bulkUpsertProducts(ctx: WriteContext, items: readonly ProductInput[]): Promise<BulkResult[]> {
  return (await upsertProducts(ctx, items)).results;
}

/** The same, also saying which products really changed (created or updated): the demo seed reports it. */
export async function upsertProducts(ctx: WriteContext, items: readonly ProductInput[]): Promise<{ results: BulkResult[]; changed: string[] }> {
  const attempt = () => ctx.em.transactional((tx) => upsertAll(tx, items, ctx.actor));
  let retriesLeft = new Set(items.map((item) => item.sku)).size;
  let outcome: { results: BulkResult[]; changed: string[] } | undefined;
  while (!outcome) {
    try {
      outcome = await attempt();
    } catch (error) {
      if (!isUniqueViolation(error, 'products_sku_unique') || retriesLeft-- === 0) throw error;
    }
  }
  if (outcome.changed.length) await ctx.cache.productsChanged(outcome.changed);
  return outcome;
}

async function upsertAll(tx: EntityManager, items: readonly ProductInput[], actor: string): Promise<{ results: BulkResult[]; changed: string[] }> {
  const errors: FieldError[] = [];
  const firstIndexOfSku = new Map<string, number>();
  items.forEach((item, i) => {
    const first = firstIndexOfSku.get(item.sku);
    if (first === undefined) firstIndexOfSku.set(item.sku, i);
    else errors.push({ path: itemPath(i, 'sku'), message: `repeats the SKU of /body/items/${first}` });
  });

  const categoryIds = [...new Set(items.map((i) => i.categoryId).filter((id): id is string => !!id))];
  const known = new Set(
    categoryIds.length ? (await tx.execute<{ id: string }[]>(`select id from categories where id in (${placeholders(categoryIds)})`, categoryIds)).map((r) => r.id) : [],
  );
  items.forEach((item, i) => {
    if (item.categoryId && !known.has(item.categoryId)) errors.push({ path: itemPath(i, 'categoryId'), message: 'no category with this id' });
  });

  const existing = new Map(
    (await tx.find(Product, { sku: { $in: [...firstIndexOfSku.keys()] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { sku: 'asc' }, refresh: true })).map((p) => [p.sku, p]),
  );
  items.forEach((item, i) => {
    if (existing.get(item.sku)?.isArchived() && firstIndexOfSku.get(item.sku) === i) {
      errors.push({ path: itemPath(i, 'sku'), message: 'the product with this SKU is archived and can no longer be changed' });
    }
  });
  if (errors.length) {
    errors.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    throw new BulkRejectedError(errors);
  }

  const toCreate = items.filter((item) => !existing.has(item.sku));
  const created = new Map((await insertProducts(tx, toCreate, actor)).map((p) => [p.sku, p]));

  const changed = [...created.values()].map((p) => p.id);
  const updated: Product[] = [];
  for (const item of items) {
    const product = existing.get(item.sku);
    if (!product) continue;
    const next = { name: item.name.trim(), description: item.description ?? '', priceCents: item.priceCents, categoryId: item.categoryId ?? null };
    const same = product.name === next.name && product.description === next.description && product.priceCents === next.priceCents && product.categoryId === next.categoryId;
    if (same) continue;
    product.change(next);
    updated.push(product);
    changed.push(product.id);
  }
  if (updated.length) {
    await tx.flush();
    const ids = updated.map((p) => p.id);
    const levels = new Map(
      (await tx.execute<{ product_id: string; available: number }[]>(`select product_id, on_hand - reserved as available from inventory where product_id in (${placeholders(ids)})`, ids)).map((r) => [
        r.product_id,
        Number(r.available),
      ]),
    );
    for (const product of updated) productUpdated(tx, product, levels.get(product.id) ?? 0);
  }

  const results = items.map((item): BulkResult => {
    const createdProduct = created.get(item.sku);
    return createdProduct ? { sku: item.sku, productId: createdProduct.id, result: 'created' } : { sku: item.sku, productId: existing.get(item.sku)!.id, result: 'updated' };
  });
  return { results, changed };
}
