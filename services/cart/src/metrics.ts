import { Counter, type Registry } from 'prom-client';

export type AbandonReason = 'idle' | 'customer_deleted' | 'customer';

/** The cart's business counters, on the service's /metrics. */
export class CartMetrics {
  readonly created: Counter;
  readonly checkoutsStarted: Counter;
  readonly converted: Counter;
  readonly abandoned: Counter<'reason'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.created = new Counter({ name: 'carts_created_total', help: 'Carts created (POST /carts that made a new cart)', registers });
    this.checkoutsStarted = new Counter({ name: 'checkouts_started_total', help: 'Checkouts accepted (202 of POST /carts/{id}/checkout; an idempotent replay is not counted again)', registers });
    this.converted = new Counter({ name: 'carts_converted_total', help: 'Submitted carts whose order was confirmed', registers });
    this.abandoned = new Counter({
      name: 'carts_abandoned_total',
      help: 'Pending carts abandoned: by the customer, by the idle timer, or because the customer deleted their account',
      labelNames: ['reason'],
      registers,
    });
  }
}
