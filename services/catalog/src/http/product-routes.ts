import type { Router } from 'express';
import { ValidationError, assertIfMatch, authenticate, principalOf, requireRole, sendProblem, sendRepresentation } from '@commerce/shared';
import type { ProductChanges } from '../domain/product.js';
import { findActiveProductView, listProducts, type ProductQuery, type ProductSort } from '../use-cases/product-reads.js';
import { archiveProduct, createProduct, productNotFound, updateProduct, type ProductInput } from '../use-cases/products.js';
import { BulkRejectedError, bulkUpsertProducts } from '../use-cases/bulk-upsert-products.js';
import { sendCachedJson, sendCachedRepresentation } from './send-cached.js';
import type { HttpDeps } from './context.js';

/** Browsers and proxies may keep a product for 30 s; writes invalidate our own cache at once. */
const PRODUCT_CACHE_CONTROL = 'public, max-age=30';

type RawQuery = Record<string, string | number | boolean | undefined>;

const intOf = (v: RawQuery[string]) => (v === undefined ? undefined : Number(v));
const boolOf = (v: RawQuery[string]) => (v === undefined ? undefined : v === true || v === 'true');

/** The listing query, normalised: the same question always gives the same cache key. */
export function parseProductQuery(raw: RawQuery): ProductQuery {
  // Surrounding blanks mean nothing to either search; a q of blanks only is no question at all.
  const q = typeof raw.q === 'string' ? raw.q.trim() : undefined;
  if (q === '') throw new ValidationError('The search text is blank.', [{ path: '/query/q', message: 'must contain a non-blank character' }]);
  const query: ProductQuery = { sort: (raw.sort as ProductSort | undefined) ?? '-createdAt', limit: intOf(raw.limit) ?? 20 };
  if (q !== undefined) query.q = q;
  if (raw.categoryId !== undefined) query.categoryId = String(raw.categoryId);
  const min = intOf(raw.minPriceCents);
  if (min !== undefined) query.minPriceCents = min;
  const max = intOf(raw.maxPriceCents);
  if (max !== undefined) query.maxPriceCents = max;
  const inStock = boolOf(raw.inStock);
  if (inStock !== undefined) query.inStock = inStock;
  if (raw.cursor !== undefined) query.cursor = String(raw.cursor);
  return query;
}

export function productRoutes(router: Router, { em, verify, cache, config }: HttpDeps) {
  const products = '/api/v1/products';
  const adminOnly = [authenticate(verify), requireRole('admin')];
  const writer = (actor: string) => ({ em, cache, actor });

  router.get(products, async (req, res) => {
    const query = parseProductQuery(req.query as RawQuery);
    const page = await cache.listing(JSON.stringify(query), () => listProducts(em, query));
    sendCachedJson(res, page, config.NODE_ENV);
  });

  router.post(products, ...adminOnly, async (req, res) => {
    const product = await createProduct(writer(principalOf(res).customerId), req.body as ProductInput);
    res.location(`${products}/${product.id}`);
    sendRepresentation(req, res, product, 201);
  });

  // Before /products/:productId, so "bulk" is never taken for an id.
  router.post(`${products}/bulk`, ...adminOnly, async (req, res) => {
    try {
      const items = await bulkUpsertProducts(writer(principalOf(res).customerId), (req.body as { items: ProductInput[] }).items);
      res.json({ items });
    } catch (error) {
      if (error instanceof BulkRejectedError) return sendProblem(res, 422, error.code, error.message, error.errors);
      throw error;
    }
  });

  router.get(`${products}/:productId`, async (req, res) => {
    const id = (req.params as { productId: string }).productId;
    const entry = await cache.product(id, () => findActiveProductView(em, id));
    if (!entry) throw productNotFound();
    res.setHeader('Cache-Control', PRODUCT_CACHE_CONTROL);
    sendCachedRepresentation(req, res, entry, config.NODE_ENV);
  });

  router.patch(`${products}/:productId`, ...adminOnly, async (req, res) => {
    const id = (req.params as { productId: string }).productId;
    const product = await updateProduct(writer(principalOf(res).customerId), id, req.body as ProductChanges, (current) => assertIfMatch(req, current));
    sendRepresentation(req, res, product);
  });

  router.delete(`${products}/:productId`, ...adminOnly, async (req, res) => {
    await archiveProduct(writer(principalOf(res).customerId), (req.params as { productId: string }).productId);
    res.status(204).end();
  });
}
