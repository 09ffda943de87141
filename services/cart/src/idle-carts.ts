import { LockMode } from '@mikro-orm/postgresql';
import type { EntityManager, Logger } from '@commerce/shared';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: IdleCartTimerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
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

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .catch((error: unknown) => this.options.logger.error('idle cart sweep failed', { error }))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
