import type { Bus, Closer, EntityManager, Logger, Metrics } from '@commerce/shared';
import type { CacheInvalidation } from './cache/catalog-cache.js';
import type { CatalogConfig } from './config.js';
import { consumeStockCommands } from './messaging/stock-commands.js';
import { CatalogMetrics } from './metrics.js';
import { ReservationSweeper } from './sweeper.js';

/** What the background stock work (command consumers, the reservation sweeper) gets from the composition root. */
export interface StockWorkerDeps {
  config: CatalogConfig;
  logger: Logger;
  metrics: Metrics;
  /** The root entity manager: fork it per message / per sweep. */
  em: EntityManager;
  bus: Bus;
  /** Call after each committed stock change, so no reader sees stale `available`. */
  cache: CacheInvalidation;
}

/**
 * THE PLUG-IN POINT OF THE INVENTORY PART (owned by the inventory engineer): start the
 * `catalog.stock-commands` consumers and the reservation sweeper here, and return their closers.
 * They are closed on shutdown before the relay, the broker and the pools.
 */
export async function startStockWorkers(deps: StockWorkerDeps): Promise<Closer[]> {
  const { em, bus, logger, cache, config, metrics } = deps;
  const commands = await consumeStockCommands({ em, bus, logger, cache, metrics: new CatalogMetrics(metrics.registry) });
  const sweeper = new ReservationSweeper({ em, logger, cache, intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS, registry: metrics.registry });
  sweeper.start();
  return [() => commands.stop(), () => sweeper.stop()];
}
