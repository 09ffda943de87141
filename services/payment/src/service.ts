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
import type { PaymentConfig } from './config.js';
import { openDatabase } from './database.js';
import { paymentRoutes } from './http/routes.js';
import { consumePaymentCommands } from './messaging/payment-commands-consumer.js';
import { PaymentMetrics } from './metrics.js';
import { PaymentSweeper } from './payment-sweeper.js';
import { createProvider, type PaymentProvider } from './provider/index.js';
import type { PaymentContext } from './use-cases/context.js';

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

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export async function startPaymentService(config: PaymentConfig, options: StartOptions = {}): Promise<RunningService> {
  // First: an unknown PAYMENT_PROVIDER stops the start before anything is opened.
  const provider = options.provider ?? createProvider(config);
  const logger = createLogger('payment', config.LOG_LEVEL);
  const metrics = createMetrics('payment');
  const paymentMetrics = new PaymentMetrics(metrics.registry);
  const orm = await openDatabase(config.DATABASE_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger);
  const bus = createBus({ url: config.AMQP_URL, service: 'payment', logger, registry: metrics.registry });
  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
  await relay.start();
  logger.info('payment provider', { provider: provider.name });
  const ctx: PaymentContext = {
    em: orm.em,
    provider,
    logger,
    metrics: paymentMetrics,
    providerTimeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  };
  const consumer = await consumePaymentCommands({ ...ctx, bus });
  const sweeper = new PaymentSweeper({ ctx, intervalMs: config.PAYMENT_SWEEP_INTERVAL_MS, graceMs: config.PAYMENT_STUCK_GRACE_MS });
  sweeper.start();
  // Stored refund answers are kept 24 h (the documented retention), then purged.
  const purge = startIdempotencyPurge({ orm, logger });
  const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL));

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
    routes: paymentRoutes({ ctx, verify }),
  });

  return serve(app, {
    service: 'payment',
    port: options.port ?? config.PORT,
    logger,
    closers: [() => consumer.stop(), () => sweeper.stop(), () => purge.stop(), () => relay.stop(), () => bus.close(), () => orm.close(), () => closeRedis(redis)],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
