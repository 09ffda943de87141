import { startPeriodic, type PeriodicJob } from '@commerce/shared';
import { Saga } from './domain/saga-instance.js';
import type { OrderContext } from './use-cases/context.js';
import { lockOrder } from './use-cases/order-store.js';
import { advanceSaga, type StepResult } from './use-cases/saga-steps.js';

export interface SweeperOptions {
  /** ORDER_SAGA_SWEEP_INTERVAL_MS */
  intervalMs: number;
  /** Sagas looked at per query; a pass repeats until none is due. */
  batchSize?: number;
  /** How often published authorize commands lose their token (scrubPublishedTokens). Default 10 s. */
  scrubIntervalMs?: number;
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
  private scrub: PeriodicJob | undefined;

  constructor(
    private readonly ctx: OrderContext,
    private readonly options: SweeperOptions,
  ) {}

  start(): void {
    const { logger } = this.ctx;
    this.job = startPeriodic({ name: 'saga sweep', intervalMs: this.options.intervalMs, logger, task: () => this.sweepOnce() });
    this.scrub = startPeriodic({ name: 'payment token scrub', intervalMs: this.options.scrubIntervalMs ?? 10_000, logger, task: () => scrubPublishedTokens(this.ctx) });
  }

  async stop(): Promise<void> {
    await Promise.all([this.job?.stop(), this.scrub?.stop()]);
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
      if (!saga || saga.isFinal || !saga.stepDeadline || saga.stepDeadline > now) return;
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

/** What a published authorize command's token becomes: still a well-formed token, which no provider knows. */
export const SCRUBBED_TOKEN = 'tok_scrubbed';

/**
 * The authorize command is the one message that must carry the payment token, so its outbox row
 * holds it until published; the relay then keeps published rows for days (for inspection). Once
 * the broker has it, the row's copy has no use: it is overwritten, so the order database keeps
 * no token beyond the saga row's (cleared when the command is written) and the moments before
 * publishing. Looks at rows published in the last day (the relay's published_at index), so a
 * pass stays cheap; returns how many rows it scrubbed.
 */
export async function scrubPublishedTokens(ctx: Pick<OrderContext, 'em'>): Promise<number> {
  const rows = await ctx.em.fork().execute<unknown[]>(
    `update outbox set payload = jsonb_set(payload, '{data,paymentToken}', to_jsonb(?::text))
      where published_at > now() - interval '1 day' and type = 'payment.authorize-payment'
        and payload->'data'->>'paymentToken' <> ? returning id`,
    [SCRUBBED_TOKEN, SCRUBBED_TOKEN],
  );
  return rows.length;
}
