import { createTokenVerifier, remoteKeys, startIdempotencyPurge, startService, type RunningService, type ServiceStartOptions } from '@commerce/shared';
import { sagaSettings, type OrderConfig } from './config.js';
import { openDatabase } from './database.js';
import { orderRoutes } from './http/routes.js';
import { consumeSagaMessages } from './messaging/saga-consumer.js';
import { OrderMetrics } from './metrics.js';
import { SagaSweeper, countStuckSagas } from './saga-sweeper.js';
import type { OrderContext } from './use-cases/context.js';

export type { RunningService } from '@commerce/shared';

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export function startOrderService(config: OrderConfig, options: ServiceStartOptions = {}): Promise<RunningService> {
  return startService({
    name: 'order',
    config,
    options,
    openDatabase,
    // Redis only backs the shared rate limit here, which fails open: not a readiness check.
    wire: async ({ orm, bus, logger, metrics }) => {
      const orderMetrics = new OrderMetrics(metrics.registry, () => countStuckSagas({ em: orm.em }, config.ORDER_SAGA_STUCK_GRACE_MS));
      const ctx: OrderContext = { em: orm.em, saga: sagaSettings(config), metrics: orderMetrics, logger };
      // Checkouts and the saga's answers arrive on one durable queue: what was published while the
      // order service was down waits there, and the sweeper resumes the steps whose deadline passed.
      const consumer = await consumeSagaMessages({ ...ctx, bus });
      const sweeper = new SagaSweeper(ctx, { intervalMs: config.ORDER_SAGA_SWEEP_INTERVAL_MS });
      sweeper.start();
      // Stored cancel answers are kept 24 h (the documented retention), then purged.
      const purge = startIdempotencyPurge({ orm, logger });
      const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL, {}, logger));
      return {
        routes: orderRoutes({ ...ctx, verify }),
        closers: [() => consumer.stop(), () => sweeper.stop(), () => purge.stop()],
      };
    },
  });
}
