import {
  OutboxRelay,
  brokerCheck,
  createApp,
  databaseCheck,
  createBus,
  createLogger,
  createMetrics,
  closeRedis,
  createRedis,
  createTokenVerifier,
  loadOpenApiSpec,
  serve,
  type RunningService,
  remoteKeys,
  type KeyResolver,
} from '@commerce/shared';
import type { CatalogConfig } from './config.js';
import { openDatabase } from './database.js';
import { CatalogCache } from './cache/catalog-cache.js';
import { catalogRoutes } from './http/routes.js';
import { startStockWorkers } from './stock-workers.js';

export type { RunningService } from '@commerce/shared';

export interface StartOptions {
  handleSignals?: boolean;
  port?: number;
  /**
   * Where token keys come from. Default: the customer service's JWKS (config.JWKS_URL). Tests pass
   * `localKeys(...)` of a key they sign with, so they need no customer service.
   */
  keyResolver?: KeyResolver;
}

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export async function startCatalogService(config: CatalogConfig, options: StartOptions = {}): Promise<RunningService> {
  const logger = createLogger('catalog', config.LOG_LEVEL);
  const metrics = createMetrics('catalog');
  const orm = await openDatabase(config.DATABASE_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger);
  const cache = new CatalogCache(
    redis,
    logger,
    { productSeconds: config.PRODUCT_CACHE_TTL_SECONDS, listingSeconds: config.LISTING_CACHE_TTL_SECONDS, categoriesSeconds: config.CATEGORY_CACHE_TTL_SECONDS },
    metrics.registry,
  );
  const bus = createBus({ url: config.AMQP_URL, service: 'catalog', logger, registry: metrics.registry });
  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
  await relay.start();
  const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL));
  const workers = await startStockWorkers({ config, logger, metrics, em: orm.em, bus, cache });

  const app = createApp({
    service: 'catalog',
    spec: loadOpenApiSpec('catalog'),
    logger,
    metrics,
    redis,
    orm,
    config,
    // Redis is only a cache here: when it is down the catalog still answers (from the database),
    // so it is not a readiness check.
    checks: {
      database: databaseCheck(orm),
      broker: brokerCheck(bus),
    },
    routes: catalogRoutes({ em: orm.em, verify, cache, logger, config }),
  });

  return serve(app, {
    service: 'catalog',
    port: options.port ?? config.PORT,
    logger,
    closers: [...workers, () => relay.stop(), () => bus.close(), () => orm.close(), () => closeRedis(redis)],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
