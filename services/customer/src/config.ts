import { commonConfig, JWKS_CACHE, loadConfig, num, str } from '@commerce/shared';

export const customerConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3001 },
  JWT_PRIVATE_KEY_FILE: str({ desc: 'PEM file of the ES256 (P-256) key that signs access tokens' }),
  JWT_PREVIOUS_KEYS_DIR: str({
    default: '',
    desc: 'Directory of retired signing keys (public PEM, named <YYYYMMDDTHHMMSSZ>[-label].pem: when each stopped signing); empty: none',
  }),
  JWT_PREVIOUS_KEY_GRACE_SECONDS: num({
    default: JWKS_CACHE.maxAgeMs / 1000,
    desc: 'A retired key stays published the access-token lifetime plus this long (default: the verifiers\' JWKS cache age)',
  }),
  ACCESS_TOKEN_TTL_SECONDS: num({ default: 900 }),
  LOGIN_WINDOW_SECONDS: num({ default: 900, desc: 'Window over which failed logins are counted' }),
  LOGIN_FAILURES_PER_EMAIL: num({ default: 5 }),
  LOGIN_FAILURES_PER_IP: num({ default: 20 }),
};

export type CustomerConfig = ReturnType<typeof loadCustomerConfig>;

export function loadCustomerConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(customerConfig, env);
}
