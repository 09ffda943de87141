import { createLogger, createRedis } from '@commerce/shared';
import { loadCatalogConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { CatalogCache } from '../cache/catalog-cache.js';
import { ensureCategory } from '../use-cases/categories.js';
import { upsertProducts } from '../use-cases/bulk-upsert-products.js';
import { SYSTEM_ACTOR } from '../domain/inventory.js';
import { DEMO_CATEGORIES, demoProducts } from './demo-catalog.js';

/**
 * `seed-demo.js`: the demo catalog (scripts/seed.d/20-catalog-demo, run by `make up`): 10
 * categories, 1,000 products with stock. Idempotent: categories are found by slug, products
 * upserted by SKU through the same use case as POST /products/bulk, which leaves an unchanged
 * product untouched; so a second run writes nothing. Products get catalog.product.created events
 * through the outbox like any other, and the cache is invalidated for what changed.
 */
const config = loadCatalogConfig();
const logger = createLogger('catalog-seed', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
const orm = await openDatabase(config.DATABASE_URL, logger);
const redis = createRedis(config.REDIS_URL, logger);
const cache = new CatalogCache(redis, logger, { productSeconds: 60, listingSeconds: 30, categoriesSeconds: 300 });
try {
  let newCategories = 0;
  let created = 0;
  let changed = 0;
  for (const demo of DEMO_CATEGORIES) {
    const em = orm.em.fork();
    const { category, created: isNew } = await ensureCategory(em, cache, { name: demo.name, slug: demo.slug });
    if (isNew) newCategories++;
    const items = demoProducts(demo).map((p) => ({ ...p, categoryId: category.id }));
    const outcome = await upsertProducts({ em, cache, actor: SYSTEM_ACTOR }, items);
    const createdHere = outcome.results.filter((r) => r.result === 'created').length;
    created += createdHere;
    changed += outcome.changed.length - createdHere;
  }
  const products = DEMO_CATEGORIES.length * 100;
  process.stdout.write(
    `catalog demo: ${DEMO_CATEGORIES.length} categories (${newCategories} new), ${products} products (${created} created, ${changed} changed, ${products - created - changed} unchanged)\n`,
  );
} finally {
  await orm.close();
  redis.disconnect();
}
