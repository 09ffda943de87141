import { commonConfig, loadConfig, num, str, url } from '@commerce/shared';
import { PROVIDER_NAMES } from './provider/index.js';

export const paymentConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3005 },
  JWKS_URL: url({ desc: "The customer service's JWKS endpoint: the keys access tokens are verified with" }),
  PAYMENT_PROVIDER: str({ choices: [...PROVIDER_NAMES], default: 'sandbox', desc: 'The payment provider adapter (src/provider/index.ts); an unknown name stops the service at start' }),
  SANDBOX_SLOW_MS: num({ default: 2000, desc: 'How long the sandbox provider takes to answer tok_slow (API.md: about 2 s)' }),
  PAYMENT_PROVIDER_TIMEOUT_MS: num({
    default: 10_000,
    desc: 'How long a refund or a lookup of a charge may take at the provider, retries included (a charge has the saga deadline instead)',
  }),
  PAYMENT_SWEEP_INTERVAL_MS: num({ default: 5000, desc: 'How often stuck payments (pending past their deadline) and owed refunds are looked for' }),
  PAYMENT_STUCK_GRACE_MS: num({
    default: 10_000,
    desc: 'How long after its deadline a pending payment counts as stuck (the call working on it ends at the deadline; this covers clocks and the final write)',
  }),
};

export type PaymentConfig = ReturnType<typeof loadPaymentConfig>;

export function loadPaymentConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(paymentConfig, env);
}
