import { Counter, type Registry } from 'prom-client';
import { startPeriodic, type EntityManager, type Logger, type PeriodicJob } from '@commerce/shared';
import type { CacheInvalidation } from './cache/catalog-cache.js';
import { releaseExpired } from './use-cases/stock-reservations.js';

export interface SweeperOptions {
  /** The root entity manager: each transaction gets a fork of its own. */
  em: EntityManager;
  logger: Logger;
  cache: CacheInvalidation;
  /** RESERVATION_SWEEP_INTERVAL_MS */
  intervalMs: number;
  registry?: Registry;
  /** Orders released per pass at most; the next pass takes the rest. */
  batchSize?: number;
}

/**
 * Releases held reservations whose deadline passed (a checkout saga that died or never
 * answered), so their stock becomes available again. One transaction per order: its expired
 * reservations are locked with FOR UPDATE SKIP LOCKED, so several replicas sweep side by side
 * without waiting on each other, and a reservation that a commit or release command holds right
 * now is skipped (that command decides its fate). Each release writes its movements and
 * catalog.stock.changed, answers catalog.stock.released {reason: "expired"} to the order's saga,
 * and counts the reservations in catalog_reservations_expired_total.
 */
export class ReservationSweeper {
  readonly expired: Counter;
  private job: PeriodicJob | undefined;

  constructor(private readonly options: SweeperOptions) {
    const existing = options.registry?.getSingleMetric('catalog_reservations_expired_total') as Counter | undefined;
    this.expired =
      existing ??
      new Counter({
        name: 'catalog_reservations_expired_total',
        help: 'Held stock reservations released by the sweeper because their deadline passed',
        registers: options.registry ? [options.registry] : [],
      });
  }

  start(): void {
    const { intervalMs, logger } = this.options;
    this.job = startPeriodic({ name: 'reservation sweep', intervalMs, logger, task: () => this.sweepOnce() });
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    await this.job?.stop();
  }

  /** One pass; returns how many reservations it released. */
  async sweepOnce(): Promise<number> {
    const { em, logger, cache } = this.options;
    const orders = await em
      .fork()
      .execute<{ order_id: string }[]>(
        `select distinct order_id from reservations where status = 'held' and expires_at <= now() order by order_id limit ?`,
        [this.options.batchSize ?? 100],
      );
    let released = 0;
    for (const { order_id: orderId } of orders) {
      try {
        const outcome = await em.fork().transactional((tx) => releaseExpired(tx, orderId));
        if (outcome.moved === 0) continue;
        released += outcome.moved;
        this.expired.inc(outcome.moved);
        await cache.productsChanged(outcome.changedProductIds);
        logger.info('released expired stock reservations', { orderId, reservations: outcome.moved });
      } catch (error) {
        // One bad order must not stop the others; the next pass tries it again.
        logger.error('could not release expired reservations', { orderId, error });
      }
    }
    return released;
  }
}
