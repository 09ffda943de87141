import { createTokenVerifier, remoteKeys, startIdempotencyPurge, startService, type RunningService, type ServiceStartOptions } from '@commerce/shared';
import type { PaymentConfig } from './config.js';
import { openDatabase } from './database.js';
import { paymentRoutes } from './http/routes.js';
import { consumePaymentCommands } from './messaging/payment-commands-consumer.js';
import { PaymentMetrics } from './metrics.js';
import { PaymentSweeper } from './payment-sweeper.js';
import { createProvider, type PaymentProvider } from './provider/index.js';
import type { PaymentContext } from './use-cases/context.js';

export type { RunningService } from '@commerce/shared';

export interface StartOptions extends ServiceStartOptions {
  /** The payment provider. Default: the one config chooses (createProvider); tests pass a sandbox they inspect. */
  provider?: PaymentProvider;
  /** Waits between provider attempts after a transient failure (tests shorten them). */
  retryDelaysMs?: number[];
}

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export function startPaymentService(config: PaymentConfig, options: StartOptions = {}): Promise<RunningService> {
  // First: an unknown PAYMENT_PROVIDER stops the start before anything is opened.
  const provider = options.provider ?? createProvider(config);
  return startService({
    name: 'payment',
    config,
    options,
    openDatabase,
    // Redis only backs the shared rate limit here, which fails open: not a readiness check.
    wire: async ({ orm, bus, logger, metrics }) => {
      logger.info('payment provider', { provider: provider.name });
      const ctx: PaymentContext = {
        em: orm.em,
        provider,
        logger,
        metrics: new PaymentMetrics(metrics.registry),
        providerTimeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS,
        ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      };
      const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL, {}, logger));
      // Commands and the order's cancellations wait on the durable queue while the service is down.
      const consumer = await consumePaymentCommands({ ...ctx, bus });
      const sweeper = new PaymentSweeper({ ctx, intervalMs: config.PAYMENT_SWEEP_INTERVAL_MS, graceMs: config.PAYMENT_STUCK_GRACE_MS });
      sweeper.start();
      // Stored refund answers are kept 24 h (the documented retention), then purged.
      const purge = startIdempotencyPurge({ orm, logger });
      return {
        routes: paymentRoutes({ ctx, verify }),
        closers: [() => consumer.stop(), () => sweeper.stop(), () => purge.stop()],
      };
    },
  });
}
