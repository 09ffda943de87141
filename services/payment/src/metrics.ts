import { Counter, Histogram, type Registry } from 'prom-client';

export type PaymentOutcome = 'completed' | 'declined' | 'insufficient_funds' | 'timeout';

/** What the sweeper did to one payment. */
export type SweepAction = 'stuck_settled' | 'owed_refund' | 'late_charge_refunded' | 'doubt_cleared';

/** The payment's business metrics, on the service's /metrics. */
export class PaymentMetrics {
  readonly payments: Counter<'outcome'>;
  readonly providerDuration: Histogram<'operation' | 'result'>;
  readonly refunded: Counter;
  readonly revenue: Counter<'currency'>;
  readonly swept: Counter<'action'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.payments = new Counter({ name: 'payments_total', help: 'Payments that reached an outcome, by outcome', labelNames: ['outcome'], registers });
    this.providerDuration = new Histogram({
      name: 'payment_provider_duration_seconds',
      help: 'Duration of payment provider calls, by operation (charge, refund) and result (ok, declined, transient, aborted)',
      labelNames: ['operation', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.refunded = new Counter({
      name: 'payments_refunded_total',
      help: 'Payments refunded (admin, refund command, cancelled order, or a late charge of a failed payment)',
      registers,
    });
    this.revenue = new Counter({
      name: 'revenue_cents_total',
      help: 'Amount of each completed charge, in cents of its currency (gross: refunds are not subtracted, see payments_refunded_total)',
      labelNames: ['currency'],
      registers,
    });
    // Each one is a process that died at the wrong moment or a provider that answered late: worth an alert if it climbs.
    this.swept = new Counter({
      name: 'payment_sweeper_actions_total',
      help: 'Payments the sweeper settled: stuck_settled (pending past its deadline), owed_refund, late_charge_refunded, doubt_cleared',
      labelNames: ['action'],
      registers,
    });
  }
}
