import { startPeriodic, type PeriodicJob } from '@commerce/shared';
import { isWorking } from './domain/saga.js';
import { Saga } from './domain/saga-instance.js';
import type { OrderContext } from './use-cases/context.js';
import { lockOrder } from './use-cases/order-store.js';
import { advanceSaga, type StepResult } from './use-cases/saga-steps.js';

export interface SweeperOptions {
  /** ORDER_SAGA_SWEEP_INTERVAL_MS */
  intervalMs: number;
  /** Sagas looked at per query; a pass repeats until none is due. */
  batchSize?: number;
}

/**
 * The saga's clock. Every pass finds working sagas whose step deadline has passed and feeds each
 * the `deadline` event in a transaction of its own (decide says what that means per step: resend
 * reserve-stock up to a limit, cancel PAYMENT_TIMEOUT, resend commit-stock). This is also how a
 * saga whose process died resumes: its state and deadline are in the database, so after a
 * restart the first pass picks up every step that was waiting when it died, and the answers that
 * arrived meanwhile wait on the durable queue.
 *
 * The order row is taken FOR UPDATE SKIP LOCKED, the same lock every other step takes first, so
 * the sweeper never deadlocks with a consumer or a request, and replicas sweep side by side. An
 * order held right now is being moved anyway; the next pass sees where it went.
 */
export class SagaSweeper {
  private job: PeriodicJob | undefined;

  constructor(
    private readonly ctx: OrderContext,
    private readonly options: SweeperOptions,
  ) {}

  start(): void {
    this.job = startPeriodic({ name: 'saga sweep', intervalMs: this.options.intervalMs, logger: this.ctx.logger, task: () => this.sweepOnce() });
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }

  /** One pass; returns how many sagas it moved. */
  async sweepOnce(now = () => new Date()): Promise<number> {
    const { em } = this.ctx;
    const limit = this.options.batchSize ?? 100;
    const seen = new Set<string>();
    let moved = 0;
    for (;;) {
      const due = await em.fork().find(Saga, { stepDeadline: { $lte: now() } }, { orderBy: { stepDeadline: 'asc' }, limit, fields: ['orderId'] });
      const fresh = due.map((s) => s.orderId).filter((id) => !seen.has(id));
      if (fresh.length === 0) break;
      for (const orderId of fresh) {
        seen.add(orderId);
        if (await this.sweep(orderId, now())) moved += 1;
      }
      if (due.length < limit) break;
    }
    return moved;
  }

  private async sweep(orderId: string, now: Date): Promise<boolean> {
    let step: StepResult | undefined;
    await this.ctx.em.fork().transactional(async (tx) => {
      const order = await lockOrder(tx, orderId, { skipLocked: true });
      if (!order) return;
      const saga = await tx.findOne(Saga, { orderId }, { refresh: true });
      // Re-checked under the lock: an answer may have moved it since the query.
      if (!saga || !isWorking(saga.state) || !saga.stepDeadline || saga.stepDeadline > now) return;
      step = await advanceSaga(tx, this.ctx, order, { type: 'deadline' }, now);
    });
    step?.count();
    return step !== undefined;
  }
}

/** The sagas_stuck gauge: working sagas whose deadline passed more than `graceMs` ago. */
export async function countStuckSagas(ctx: Pick<OrderContext, 'em'>, graceMs: number): Promise<number> {
  return ctx.em.fork().count(Saga, { stepDeadline: { $lt: new Date(Date.now() - graceMs) } });
}
