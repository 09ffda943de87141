import { createTokenVerifier, remoteKeys, startService, type RunningService, type ServiceStartOptions } from '@commerce/shared';
import type { CatalogConfig } from './config.js';
import { openDatabase } from './database.js';
import { CatalogCache } from './cache/catalog-cache.js';
import { catalogRoutes } from './http/routes.js';
import { startStockWorkers } from './stock-workers.js';

export type { RunningService } from '@commerce/shared';

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export function startCatalogService(config: CatalogConfig, options: ServiceStartOptions = {}): Promise<RunningService> {
  return startService({
    name: 'catalog',
    config,
    options,
    openDatabase,
    // Redis is only a cache here: when it is down the catalog still answers (from the database),
    // so it is not a readiness check.
    wire: async ({ orm, redis, bus, logger, metrics }) => {
      const cache = new CatalogCache(
        redis,
        logger,
        { productSeconds: config.PRODUCT_CACHE_TTL_SECONDS, listingSeconds: config.LISTING_CACHE_TTL_SECONDS, categoriesSeconds: config.CATEGORY_CACHE_TTL_SECONDS },
        metrics.registry,
      );
      const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL, {}, logger));
      const workers = await startStockWorkers({ config, logger, metrics, em: orm.em, bus, cache });
      return { routes: catalogRoutes({ em: orm.em, verify, cache, logger, config }), closers: workers };
    },
  });
}
