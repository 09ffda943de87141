import { commonConfig, loadConfig, num, url } from '@commerce/shared';

export const orderConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3004 },
  JWKS_URL: url({ desc: "The customer service's JWKS endpoint: the keys access tokens are verified with" }),
  ORDER_STOCK_STEP_TIMEOUT_MS: num({ default: 30_000, desc: 'How long the saga waits for the catalog to answer reserve-stock or commit-stock before the sweeper acts' }),
  ORDER_PAYMENT_STEP_TIMEOUT_MS: num({
    default: 30_000,
    desc: 'How long the saga waits for the payment outcome; also the deadline the authorize command carries. Past it the order is cancelled PAYMENT_TIMEOUT',
  }),
  ORDER_RESERVE_ATTEMPTS: num({ default: 3, desc: 'How many times reserve-stock is sent in all before an unanswered order is cancelled OUT_OF_STOCK' }),
  ORDER_SAGA_SWEEP_INTERVAL_MS: num({ default: 1000, desc: 'How often the sweeper looks for saga steps past their deadline' }),
  ORDER_SAGA_STUCK_GRACE_MS: num({ default: 30_000, desc: 'A working saga whose step deadline passed more than this long ago counts in sagas_stuck' }),
};

export type OrderConfig = ReturnType<typeof loadOrderConfig>;

export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(orderConfig, env);
}

/** What the saga needs from the config, in one place for the use cases. */
export interface SagaSettings {
  timeouts: { stock: number; payment: number };
  maxReserveAttempts: number;
  /** How long the catalog holds a reservation (reserve-stock's expiresAt, from the order's creation). */
  reservationTtlMs: number;
}

/**
 * The catalog's reservation TTL must outlast every step the saga can wait for: all reserve
 * attempts, the payment step, and a few commit attempts, plus a margin for a service restart.
 * Past it the catalog's own sweeper releases the stock, which the saga then compensates.
 */
export function sagaSettings(config: OrderConfig): SagaSettings {
  const timeouts = { stock: config.ORDER_STOCK_STEP_TIMEOUT_MS, payment: config.ORDER_PAYMENT_STEP_TIMEOUT_MS };
  const maxReserveAttempts = Math.max(1, config.ORDER_RESERVE_ATTEMPTS);
  const reservationTtlMs = timeouts.stock * (maxReserveAttempts + 3) + timeouts.payment + 5 * 60_000;
  return { timeouts, maxReserveAttempts, reservationTtlMs };
}
