import type { Router } from 'express';
import { authenticate, requireRole } from '@commerce/shared';
import type { Category } from '../domain/category.js';
import { createCategory, listCategories } from '../use-cases/categories.js';
import { sendCachedJson } from './send-cached.js';
import type { HttpDeps } from './context.js';

export const presentCategory = (c: Category) => ({ id: c.id, name: c.name, slug: c.slug, createdAt: c.createdAt.toISOString() });

export function categoryRoutes(router: Router, { em, verify, cache, config }: HttpDeps) {
  const categories = '/api/v1/categories';

  router.get(categories, async (req, res) => {
    const { limit, cursor } = req.query as { limit?: string; cursor?: string };
    const query = { limit: Number(limit ?? 20), ...(cursor ? { cursor } : {}) };
    const page = await cache.categories(`limit=${query.limit}&cursor=${cursor ?? ''}`, async () => {
      const { items, nextCursor } = await listCategories(em, query);
      return { items: items.map(presentCategory), nextCursor };
    });
    sendCachedJson(res, page, config.NODE_ENV);
  });

  router.post(categories, authenticate(verify), requireRole('admin'), async (req, res) => {
    const category = await createCategory(em, cache, req.body as { name: string; slug: string });
    res.status(201).location(`${categories}/${category.id}`).json(presentCategory(category));
  });
}
