import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OutboxRelay,
  createShutdown,
  shutdownOnSignals,
  createApp,
  createBus,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  loadOpenApiSpec,
} from '@commerce/shared';
import type { CustomerConfig } from './config.js';
import { openDatabase } from './database.js';
import { AccessTokens, loadSigningKey } from './auth/access-tokens.js';
import { customerRoutes } from './http/routes.js';

export interface RunningService {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

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
      database: async () => {
        const status = await orm.checkConnection();
        if (!status.ok) throw new Error(status.reason);
      },
      broker: async () => {
        if (!bus.isConnected()) throw new Error('not connected');
      },
      redis: () => redis.ping(),
    },
    routes: customerRoutes({ em: orm.em, tokens, verify: createTokenVerifier(tokens.keyResolver()), redis, logger, config }),
  });

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port ?? config.PORT, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  logger.info('customer service listening', { port });

  const shutdown = createShutdown(
    server,
    [() => relay.stop(), () => bus.close(), () => orm.close(), async () => void (await redis.quit())],
    logger,
    config.SHUTDOWN_TIMEOUT_MS,
  );
  if (options.handleSignals) shutdownOnSignals(shutdown);
  return { url: `http://127.0.0.1:${port}`, server, close: () => shutdown('closed by its owner') };
}
