import { ConflictError, decodeCursor, isUniqueViolation, toPage, type EntityManager, type Page } from '@commerce/shared';
import { Category } from '../domain/category.js';
import type { CacheInvalidation } from '../cache/catalog-cache.js';

export function slugTaken() {
  return new ConflictError('SLUG_TAKEN', 'A category with this slug already exists.');
}

/** The unique constraint on slug is the real guard: of two concurrent creates one commits, the other gets SLUG_TAKEN. */
export async function createCategory(em: EntityManager, cache: CacheInvalidation, input: { name: string; slug: string }): Promise<Category> {
  const category = new Category(input);
  try {
    await em.transactional(async (tx) => {
      tx.persist(category);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'categories_slug_unique')) throw slugTaken();
    throw error;
  }
  await cache.categoriesChanged();
  return category;
}

/** Ordered by name, then id; keyset-paginated on (name, id). */
export async function listCategories(em: EntityManager, query: { limit: number; cursor?: string }): Promise<Page<Category>> {
  const where = query.cursor ? cursorFilter(query.cursor) : {};
  const rows = await em.find(Category, where, { orderBy: { name: 'asc', id: 'asc' }, limit: query.limit + 1 });
  return toPage(rows, query.limit, (c) => c, (c) => [c.name, c.id]);
}

function cursorFilter(cursor: string) {
  const [name, id] = decodeCursor(cursor, 2).map(String) as [string, string];
  return { $or: [{ name: { $gt: name } }, { name, id: { $gt: id } }] };
}

export async function categoryExists(em: EntityManager, id: string): Promise<boolean> {
  return (await em.count(Category, { id })) > 0;
}

/** The category with this slug, created if missing (idempotent; used by the demo seed). */
export async function ensureCategory(em: EntityManager, cache: CacheInvalidation, input: { name: string; slug: string }): Promise<{ category: Category; created: boolean }> {
  const existing = await em.findOne(Category, { slug: input.slug });
  if (existing) return { category: existing, created: false };
  try {
    return { category: await createCategory(em, cache, input), created: true };
  } catch (error) {
    // Someone else created it between our look and our insert.
    const raced = await em.findOne(Category, { slug: input.slug });
    if (raced) return { category: raced, created: false };
    throw error;
  }
}
