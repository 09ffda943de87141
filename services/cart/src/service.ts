import {
  OutboxRelay,
  brokerCheck,
  closeRedis,
  createApp,
  createBus,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  databaseCheck,
  loadOpenApiSpec,
  remoteKeys,
  serve,
  startIdempotencyPurge,
  type KeyResolver,
  type RunningService,
} from '@commerce/shared';
import type { CartConfig } from './config.js';
import { openDatabase } from './database.js';
import { cartRoutes } from './http/routes.js';
import { consumeCartEvents } from './messaging/cart-events-consumer.js';
import { CartMetrics } from './metrics.js';
import { IdleCartTimer } from './idle-carts.js';

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
export async function startCartService(config: CartConfig, options: StartOptions = {}): Promise<RunningService> {
  const logger = createLogger('cart', config.LOG_LEVEL);
  const metrics = createMetrics('cart');
  const cartMetrics = new CartMetrics(metrics.registry);
  const orm = await openDatabase(config.DATABASE_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger);
  const bus = createBus({ url: config.AMQP_URL, service: 'cart', logger, registry: metrics.registry });
  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
  await relay.start();
  const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL));
  // The read models (products, addresses) and the order outcomes arrive on one durable queue:
  // what was published while the cart was down waits there and is applied when it comes back.
  const consumer = await consumeCartEvents({ em: orm.em, bus, logger, metrics: cartMetrics });
  const idle = new IdleCartTimer({
    em: orm.em,
    logger,
    metrics: cartMetrics,
    idleHours: config.CART_IDLE_ABANDON_AFTER_HOURS,
    intervalMs: config.CART_IDLE_SWEEP_INTERVAL_MS,
  });
  idle.start();
  // Stored checkout answers are kept 24 h (the documented retention), then purged.
  const purge = startIdempotencyPurge({ orm, logger });

  const app = createApp({
    service: 'cart',
    spec: loadOpenApiSpec('cart'),
    logger,
    metrics,
    redis,
    orm,
    config,
    // Redis only backs the shared rate limit here, which fails open: not a readiness check.
    checks: {
      database: databaseCheck(orm),
      broker: brokerCheck(bus),
    },
    routes: cartRoutes({ em: orm.em, verify, logger, metrics: cartMetrics }),
  });

  return serve(app, {
    service: 'cart',
    port: options.port ?? config.PORT,
    logger,
    closers: [() => consumer.stop(), () => idle.stop(), () => purge.stop(), () => relay.stop(), () => bus.close(), () => orm.close(), () => closeRedis(redis)],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
