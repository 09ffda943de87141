import {
  OutboxRelay,
  brokerCheck,
  closeRedis,
  createApp,
  createBus,
  createLogger,
  createMetrics,
  createRedis,
  databaseCheck,
  loadOpenApiSpec,
  serve,
  type KeyResolver,
  type RunningService,
} from '@commerce/shared';
import type { PaymentConfig } from './config.js';
import { openDatabase } from './database.js';
import { consumePaymentCommands } from './messaging/payment-commands-consumer.js';
import { PaymentMetrics } from './metrics.js';
import { createProvider, type PaymentProvider } from './provider/index.js';

export type { RunningService } from '@commerce/shared';

export interface StartOptions {
  handleSignals?: boolean;
  port?: number;
  /** Where token keys come from. Default: the customer service's JWKS (config.JWKS_URL); tests pass their own. */
  keyResolver?: KeyResolver;
  /** The payment provider. Default: the one config chooses (createProvider); tests pass a sandbox they inspect. */
  provider?: PaymentProvider;
  /** Waits between charge attempts after a transient failure (tests shorten them). */
  retryDelaysMs?: number[];
}

/**
 * The composition root: config in, a listening service out. Used by main.ts and by the tests.
 * Skeleton: database, bus, outbox relay, health and metrics; the command consumers and endpoints
 * 42-45 are added next (docs/architecture.md, payment section, says what is there).
 */
export async function startPaymentService(config: PaymentConfig, options: StartOptions = {}): Promise<RunningService> {
  const logger = createLogger('payment', config.LOG_LEVEL);
  const metrics = createMetrics('payment');
  const paymentMetrics = new PaymentMetrics(metrics.registry);
  const orm = await openDatabase(config.DATABASE_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger);
  const bus = createBus({ url: config.AMQP_URL, service: 'payment', logger, registry: metrics.registry });
  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
  await relay.start();
  const provider = options.provider ?? createProvider(config);
  logger.info('payment provider', { provider: provider.name });
  const consumer = await consumePaymentCommands({
    em: orm.em,
    bus,
    provider,
    logger,
    metrics: paymentMetrics,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  });

  const app = createApp({
    service: 'payment',
    spec: loadOpenApiSpec('payment'),
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
    routes: () => undefined,
  });

  return serve(app, {
    service: 'payment',
    port: options.port ?? config.PORT,
    logger,
    closers: [() => consumer.stop(), () => relay.stop(), () => bus.close(), () => orm.close(), () => closeRedis(redis)],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
