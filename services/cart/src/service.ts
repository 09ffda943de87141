import { createTokenVerifier, remoteKeys, startIdempotencyPurge, startService, type RunningService, type ServiceStartOptions } from '@commerce/shared';
import type { CartConfig } from './config.js';
import { openDatabase } from './database.js';
import { cartRoutes } from './http/routes.js';
import { consumeCartEvents } from './messaging/cart-events-consumer.js';
import { CartMetrics } from './metrics.js';
import { IdleCartTimer } from './idle-carts.js';

export type { RunningService } from '@commerce/shared';

/** The composition root: config in, a listening service out. Used by main.ts and by the tests. */
export function startCartService(config: CartConfig, options: ServiceStartOptions = {}): Promise<RunningService> {
  return startService({
    name: 'cart',
    config,
    options,
    openDatabase,
    // Redis only backs the shared rate limit here, which fails open: not a readiness check.
    wire: async ({ orm, bus, logger, metrics }) => {
      const cartMetrics = new CartMetrics(metrics.registry);
      const verify = createTokenVerifier(options.keyResolver ?? remoteKeys(config.JWKS_URL, {}, logger));
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
      return {
        routes: cartRoutes({ em: orm.em, verify, logger, metrics: cartMetrics }),
        closers: [() => consumer.stop(), () => idle.stop(), () => purge.stop()],
      };
    },
  });
}
