import { LockMode } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, UnprocessableError, isUniqueViolation, type EntityManager } from '@commerce/shared';
import { Product, productArchived as productArchivedError, type ProductChanges } from '../domain/product.js';
import { available, initialStock } from '../domain/inventory.js';
import { Inventory, StockMovement } from '../domain/stock-records.js';
import type { CacheInvalidation } from '../cache/catalog-cache.js';
import { productArchived, productCreated, productUpdated } from '../messaging/product-events.js';
import { categoryExists } from './categories.js';
import { presentProduct, type ProductView } from './product-reads.js';

export interface ProductInput {
  sku: string;
  name: string;
  description?: string;
  priceCents: number;
  categoryId?: string | null;
  initialStock?: number;
}

/** Who writes: the admin's customer id (audit trail `actor`), and the cache to invalidate after commit. */
export interface WriteContext {
  em: EntityManager;
  cache: CacheInvalidation;
  actor: string;
}

export const productNotFound = () => new NotFoundError('PRODUCT_NOT_FOUND', 'No such product.');
export const skuTaken = () => new ConflictError('SKU_TAKEN', 'A product with this SKU already exists.');
export const categoryNotFound = () => new UnprocessableError('CATEGORY_NOT_FOUND', 'No category with this id.');

/**
 * Inserts new products with their inventory rows and, for those with initial stock, the `initial`
 * movement of the audit trail, plus catalog.product.created (whose `available` is the initial
 * stock, so no separate catalog.stock.changed): all in the caller's transaction.
 */
export async function insertProducts(tx: EntityManager, inputs: readonly ProductInput[], actor: string): Promise<Product[]> {
  const now = new Date();
  const products = inputs.map((input) => new Product(input, now));
  const stocks = inputs.map((input) => initialStock(input.initialStock ?? 0, actor));
  // Products first: inventory and movements reference them (foreign keys the ORM doesn't know of).
  tx.persist(products);
  await tx.flush();
  for (const [i, product] of products.entries()) {
    const stock = stocks[i]!;
    tx.persist(new Inventory({ productId: product.id, ...stock.level }, now));
    if (stock.level.onHand > 0) tx.persist(new StockMovement({ productId: product.id, ...stock.movement }, now));
    productCreated(tx, product, available(stock.level));
  }
  await tx.flush();
  return products;
}

/**
 * POST /products. The unique constraint on sku is the real guard: of two concurrent creates of one
 * SKU one commits, the others get SKU_TAKEN (never a 500).
 */
export async function createProduct(ctx: WriteContext, input: ProductInput): Promise<ProductView> {
  let product: Product;
  try {
    product = await ctx.em.transactional(async (tx) => {
      if (input.categoryId && !(await categoryExists(tx, input.categoryId))) throw categoryNotFound();
      const [created] = await insertProducts(tx, [input], ctx.actor);
      return created!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'products_sku_unique')) throw skuTaken();
    throw error;
  }
  await ctx.cache.productsChanged([product.id]);
  return presentProduct(product, input.initialStock ?? 0);
}

async function lockProduct(tx: EntityManager, id: string): Promise<Product> {
  const product = await tx.findOne(Product, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!product) throw productNotFound();
  return product;
}

async function availableOf(tx: EntityManager, productId: string): Promise<number> {
  const [row] = await tx.execute<{ available: number }[]>('select on_hand - reserved as available from inventory where product_id = ?', [productId]);
  return Number(row?.available ?? 0);
}

/**
 * PATCH /products/{id}, under the product's row lock: `precondition` (the If-Match check) runs
 * against the locked row, so a concurrent change can't slip between check and write.
 */
export async function updateProduct(ctx: WriteContext, id: string, changes: ProductChanges, precondition: (current: ProductView) => void): Promise<ProductView> {
  const view = await ctx.em.transactional(async (tx) => {
    const product = await lockProduct(tx, id);
    if (product.isArchived()) throw productArchivedError();
    const available = await availableOf(tx, id);
    precondition(presentProduct(product, available));
    if (changes.categoryId && changes.categoryId !== product.categoryId && !(await categoryExists(tx, changes.categoryId))) throw categoryNotFound();
    product.change(changes);
    productUpdated(tx, product, available);
    return presentProduct(product, available);
  });
  await ctx.cache.productsChanged([id]);
  return view;
}

/** DELETE /products/{id}: archive (soft). Idempotent: archiving an archived product changes nothing and emits nothing. */
export async function archiveProduct(ctx: WriteContext, id: string): Promise<void> {
  const archived = await ctx.em.transactional(async (tx) => {
    const product = await lockProduct(tx, id);
    if (!product.archive()) return false;
    productArchived(tx, product, await availableOf(tx, id));
    return true;
  });
  if (archived) await ctx.cache.productsChanged([id]);
}
