import { Counter, type Registry } from 'prom-client';

/** The catalog's stock counters, on the service's /metrics (catalog_reservations_expired_total is the sweeper's). */
export class CatalogMetrics {
  readonly reservationsRejected: Counter;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.reservationsRejected = new Counter({
      name: 'stock_reservations_rejected_total',
      help: 'Reserve-stock commands rejected because an item was short (an order asking again is not counted twice)',
      registers,
    });
  }
}
