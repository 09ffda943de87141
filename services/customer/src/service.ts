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
  redisCheck,
  serve,
  type RunningService,
} from '@commerce/shared';
import type { CustomerConfig } from './config.js';
import { openDatabase } from './database.js';
import { AccessTokens, loadSigningKey } from './auth/access-tokens.js';
import { customerRoutes } from './http/routes.js';

export type { RunningService } from '@commerce/shared';

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export async function startCustomerService(config: CustomerConfig, options: { handleSignals?: boolean; port?: number } = {}): Promise<RunningService> {
  const logger = createLogger('customer', config.LOG_LEVEL);
  const metrics = createMetrics('customer');
  const tokens = new AccessTokens(loadSigningKey(config.JWT_PRIVATE_KEY_FILE, config.JWT_KEY_ID), config.ACCESS_TOKEN_TTL_SECONDS);
  const orm = await openDatabase(config.DATABASE_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger);
  const bus = createBus({ url: config.AMQP_URL, service: 'customer', logger, registry: metrics.registry });
  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
  await relay.start();

  const app = createApp({
    service: 'customer',
    spec: loadOpenApiSpec('customer'),
    logger,
    metrics,
    redis,
    orm,
    config,
    checks: {
      database: databaseCheck(orm),
      broker: brokerCheck(bus),
      redis: redisCheck(redis),
    },
    routes: customerRoutes({ em: orm.em, tokens, verify: createTokenVerifier(tokens.keyResolver()), redis, logger, config }),
  });

  return serve(app, {
    service: 'customer',
    port: options.port ?? config.PORT,
    logger,
    closers: [() => relay.stop(), () => bus.close(), () => orm.close(), () => closeRedis(redis)],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
