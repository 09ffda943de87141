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
import { sagaSettings, type OrderConfig } from './config.js';
import { openDatabase } from './database.js';
import { orderRoutes } from './http/routes.js';
import { consumeSagaMessages } from './messaging/saga-consumer.js';
import { OrderMetrics } from './metrics.js';
import { SagaSweeper, countStuckSagas } from './saga-sweeper.js';
import type { OrderContext } from './use-cases/context.js';

export type { RunningService } from '@commerce/shared';

export interface StartOptions {
  handleSignals?: boolean;
  port?: number;
  /**
   * Where token keys come from. Default: the customer service's JWKS (config.JWKS_URL). Tests pass
   * `localKeys(...)` of a key they sign with, so they need no customer service.
   */
  keyResolver?: KeyResolver;
  /**
   * The topic exchange the service publishes to and consumes from. Default: the kit's
   * (`commerce.events`). The tests use one of their own, so the catalog and payment services of
   * other suites running on the same test vhost neither answer their commands nor send them theirs.
   */
  exchange?: string;
}

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export async function startOrderService(config: OrderConfig, options: StartOptions = {}): Promise<RunningService> {
  const logger = createLogger('order', config.LOG_LEVEL);
  const metrics = createMetrics('order');
  const orm = await openDatabase(config.DATABASE_URL, logger);
  const orderMetrics = new OrderMetrics(metrics.registry, () => countStuckSagas({ em: orm.em }, config.ORDER_SAGA_STUCK_GRACE_MS));
  const redis = createRedis(config.REDIS_URL, logger);
  const bus = createBus({ url: config.AMQP_URL, service: 'order', logger, registry: metrics.registry, ...(options.exchange ? { exchange: options.exchange } : {}) });
  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
  await relay.start();
  const ctx: OrderContext = { em: orm.em, saga: sagaSettings(config), metrics: orderMetrics, logger };
  // Checkouts and the saga's answers arrive on one durable queue: what was published while the
  // order service was down waits there, and the sweeper resumes the steps whose deadline passed.
  const consumer = await consumeSagaMessages({ ...ctx, bus });
  const sweeper = new SagaSweeper(ctx, { intervalMs: config.ORDER_SAGA_SWEEP_INTERVAL_MS });
  sweeper.start();
  // Stored cancel answers are kept 24 h (the documented retention), then purged.
  const purge = startIdempotencyPurge({ orm, logger });
  const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL));

  const app = createApp({
    service: 'order',
    spec: loadOpenApiSpec('order'),
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
    routes: orderRoutes({ ...ctx, verify }),
  });

  return serve(app, {
    service: 'order',
    port: options.port ?? config.PORT,
    logger,
    closers: [() => consumer.stop(), () => sweeper.stop(), () => purge.stop(), () => relay.stop(), () => bus.close(), () => orm.close(), () => closeRedis(redis)],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
