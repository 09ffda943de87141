import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The order's business metrics, on the service's /metrics. */
export class OrderMetrics {
  readonly created: Counter;
  readonly confirmed: Counter;
  readonly cancelled: Counter<'reason'>;
  readonly stepDuration: Histogram<'step' | 'outcome'>;
  readonly sagaDuration: Histogram<'outcome'>;
  readonly stuck: Gauge;

  /** `countStuck` is asked on every scrape (the gauge is a query, not a counter kept in memory, so every replica reports the truth). */
  constructor(registry: Registry | undefined, countStuck: () => Promise<number>) {
    const registers = registry ? [registry] : [];
    this.created = new Counter({ name: 'orders_created_total', help: 'Orders created from a checked-out cart', registers });
    this.confirmed = new Counter({ name: 'orders_confirmed_total', help: 'Orders confirmed by the saga (stock committed, payment taken)', registers });
    this.cancelled = new Counter({ name: 'orders_cancelled_total', help: 'Orders cancelled, by failureReason', labelNames: ['reason'], registers });
    this.stepDuration = new Histogram({
      name: 'saga_step_duration_seconds',
      help: 'How long a saga step took, from its start to the answer (or deadline) that ended it, by step and the state it led to',
      labelNames: ['step', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.sagaDuration = new Histogram({
      name: 'saga_duration_seconds',
      help: "How long a checkout's saga took, from the order's creation (checkout received) to its final state, by outcome (confirmed, cancelled)",
      labelNames: ['outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.stuck = new Gauge({
      name: 'sagas_stuck',
      help: 'Working sagas whose step deadline passed more than the grace period ago (the sweeper is not moving them)',
      registers,
      async collect() {
        try {
          this.set(await countStuck());
        } catch {
          // The database is down: readiness says so; keep the last value rather than fail the scrape.
        }
      },
    });
  }
}
