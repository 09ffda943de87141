import { startPeriodic, type PeriodicJob } from '@commerce/shared';
import { Payment } from './domain/payment.js';
import type { PaymentContext } from './use-cases/context.js';
import { refundCompletedPayment } from './use-cases/refund.js';
import { lookUpCharge, settleChargeInDoubt, settlePayment } from './use-cases/settle.js';

export interface PaymentSweeperOptions {
  ctx: PaymentContext;
  /** PAYMENT_SWEEP_INTERVAL_MS */
  intervalMs: number;
  /** PAYMENT_STUCK_GRACE_MS */
  graceMs: number;
  /** Payments handled per pass at most (each one is a provider call). */
  batchSize?: number;
}

/**
 * The payment's safety net (kit startPeriodic), for what a process killed at the wrong moment
 * leaves behind. The payment row is written before the provider is called and the outcome after,
 * so the gaps are:
 * - a payment pending past its deadline plus a grace: the call charging it would have ended at the
 *   deadline, so its process died mid-call (and the command, if redelivered, has not settled it).
 *   The token is gone, so the provider is asked what became of the charge with the order's key:
 *   charged → completed, declined → failed, none → failed PAYMENT_TIMEOUT; the outcome is
 *   announced as usual;
 * - a completed payment whose order was cancelled and that is still not refunded a grace after the
 *   cancellation was recorded: the refund was cut short; it is done now;
 * - a payment failed with PAYMENT_TIMEOUT while its charge call was in flight (charge in doubt), a
 *   grace after it failed: the provider is asked once more, and a charge that went through after
 *   all is refunded at once (failed → refunded), so no money is kept for the cancelled order;
 * - cancellations of orders without payment kept for more than a day (order_cancellations): past
 *   every deadline, no authorize command can charge them any more.
 * Every step is idempotent (provider keys, row locks, final outcomes stand), so a replica's sweep
 * racing a redelivered command or another replica changes nothing twice.
 */
export class PaymentSweeper {
  private job: PeriodicJob | undefined;

  constructor(private readonly options: PaymentSweeperOptions) {}

  start(): void {
    const { intervalMs, ctx } = this.options;
    this.job = startPeriodic({ name: 'payment sweep', intervalMs, logger: ctx.logger, task: () => this.sweepOnce() });
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }

  /** One pass; returns how many payments it settled or refunded. */
  async sweepOnce(): Promise<number> {
    const { ctx, graceMs } = this.options;
    const limit = this.options.batchSize ?? 50;
    const cutoff = new Date(Date.now() - graceMs);
    const em = ctx.em.fork();
    const stuck = await em.find(Payment, { status: 'pending', deadline: { $lt: cutoff } }, { orderBy: { deadline: 'asc' }, limit });
    // Both older than the grace: the handler that recorded the cancellation, or completed the charge, is refunding it right now.
    const owed = await em.find(Payment, { status: 'completed', orderCancelledAt: { $lt: cutoff }, updatedAt: { $lt: cutoff } }, { orderBy: { updatedAt: 'asc' }, limit });
    const inDoubt = await em.find(Payment, { status: 'failed', chargeInDoubt: true, updatedAt: { $lt: cutoff } }, { orderBy: { updatedAt: 'asc' }, limit });
    let done = 0;
    for (const payment of stuck) {
      try {
        const settled = await settlePayment(ctx, payment.id, await lookUpCharge(ctx, payment.orderId));
        ctx.logger.warn('stuck payment settled by asking the provider', { orderId: payment.orderId, status: settled.status });
        ctx.metrics.swept.inc({ action: 'stuck_settled' });
        done += 1;
      } catch (error) {
        ctx.logger.error('stuck payment could not be settled; next pass', { orderId: payment.orderId, error });
      }
    }
    for (const payment of owed) {
      try {
        const { refunded } = await refundCompletedPayment(ctx, payment.id, payment.orderCancelReason!);
        if (refunded) {
          ctx.logger.warn('owed refund of a cancelled order done by the sweeper', { orderId: payment.orderId });
          ctx.metrics.swept.inc({ action: 'owed_refund' });
          done += 1;
        }
      } catch (error) {
        ctx.logger.error('owed refund failed; next pass', { orderId: payment.orderId, error });
      }
    }
    for (const payment of inDoubt) {
      try {
        const settled = await settleChargeInDoubt(ctx, payment.id);
        ctx.metrics.swept.inc({ action: settled.status === 'refunded' ? 'late_charge_refunded' : 'doubt_cleared' });
        done += 1;
      } catch (error) {
        ctx.logger.error('charge in doubt could not be settled; next pass', { orderId: payment.orderId, error });
      }
    }
    // A kept cancellation matters only until its authorize command's deadline (seconds, at most
    // minutes, after it): a day later no command can still charge, so the row is dropped.
    await em.execute(`delete from order_cancellations where at < now() - interval '24 hours'`);
    return done;
  }
}
