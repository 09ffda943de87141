import { commonConfig, loadConfig, num, str } from '@commerce/shared';

export const customerConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3001 },
  JWT_PRIVATE_KEY_FILE: str({ desc: 'PEM file of the ES256 (P-256) key that signs access tokens' }),
  JWT_KEY_ID: str({ desc: 'kid of that key, published in the JWKS' }),
  ACCESS_TOKEN_TTL_SECONDS: num({ default: 900 }),
  LOGIN_WINDOW_SECONDS: num({ default: 900, desc: 'Window over which failed logins are counted' }),
  LOGIN_FAILURES_PER_EMAIL: num({ default: 5 }),
  LOGIN_FAILURES_PER_IP: num({ default: 20 }),
};

export type CustomerConfig = ReturnType<typeof loadCustomerConfig>;

export function loadCustomerConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(customerConfig, env);
}
