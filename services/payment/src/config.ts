import { commonConfig, loadConfig, num, url } from '@commerce/shared';

export const paymentConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3005 },
  JWKS_URL: url({ desc: "The customer service's JWKS endpoint: the keys access tokens are verified with" }),
  SANDBOX_SLOW_MS: num({ default: 2000, desc: 'How long the sandbox provider takes to answer tok_slow (API.md: about 2 s)' }),
};

export type PaymentConfig = ReturnType<typeof loadPaymentConfig>;

export function loadPaymentConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(paymentConfig, env);
}
