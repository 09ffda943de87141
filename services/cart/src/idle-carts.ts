import { LockMode } from '@mikro-orm/postgresql';
import { startPeriodic, type EntityManager, type Logger, type PeriodicJob } from '@commerce/shared';
import { Cart } from './domain/cart.js';
import type { CartMetrics } from './metrics.js';

export interface IdleCartTimerOptions {
  /** The root entity manager: each pass gets a fork of its own. */
  em: EntityManager;
  logger: Logger;
  metrics: CartMetrics;
  /** CART_IDLE_ABANDON_AFTER_HOURS */
  idleHours: number;
  /** CART_IDLE_SWEEP_INTERVAL_MS */
  intervalMs: number;
  /** Carts abandoned per transaction at most; a pass repeats until none is left. */
  batchSize?: number;
}

/**
 * Abandons pending carts untouched (updated_at) for longer than the idle period, counting them in
 * carts_abandoned_total{reason="idle"}. Carts are locked FOR UPDATE SKIP LOCKED, so replicas
 * sweep side by side without waiting on each other, and a cart a request holds right now is
 * skipped (and, touched by it, no longer idle). Each cart goes through the status table.
 */
export class IdleCartTimer {
  private job: PeriodicJob | undefined;
  private stopped = false;

  constructor(private readonly options: IdleCartTimerOptions) {}

  start(): void {
    this.stopped = false;
    const { intervalMs, logger } = this.options;
    this.job = startPeriodic({ name: 'idle cart sweep', intervalMs, logger, task: () => this.sweepOnce() });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.job?.stop();
  }

  /** One pass; returns how many carts it abandoned. */
  async sweepOnce(): Promise<number> {
    const { em, metrics, logger } = this.options;
    const cutoff = new Date(Date.now() - this.options.idleHours * 3_600_000);
    let total = 0;
    for (;;) {
      const abandoned = await em.fork().transactional(async (tx) => {
        const carts = await tx.find(
          Cart,
          { status: 'pending', updatedAt: { $lt: cutoff } },
          { orderBy: { updatedAt: 'asc' }, limit: this.options.batchSize ?? 100, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
        );
        for (const cart of carts) cart.abandon();
        return carts.length;
      });
      if (abandoned === 0) break;
      total += abandoned;
      metrics.abandoned.inc({ reason: 'idle' }, abandoned);
      if (this.stopped) break;
    }
    if (total > 0) logger.info('abandoned idle carts', { carts: total, idleHours: this.options.idleHours });
    return total;
  }
}
