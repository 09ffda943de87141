import { Counter, Histogram, type Registry } from 'prom-client';

export type PaymentOutcome = 'completed' | 'declined' | 'insufficient_funds' | 'timeout';

/** The payment's business metrics, on the service's /metrics. */
export class PaymentMetrics {
  readonly payments: Counter<'outcome'>;
  readonly providerDuration: Histogram<'operation' | 'result'>;
  readonly refunded: Counter;

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
    this.refunded = new Counter({ name: 'payments_refunded_total', help: 'Completed payments refunded (admin, refund command, or cancelled order)', registers });
  }
}
