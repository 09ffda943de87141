import { commonConfig, loadConfig, num, url } from '@commerce/shared';

export const cartConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3003 },
  JWKS_URL: url({ desc: "The customer service's JWKS endpoint: the keys access tokens are verified with" }),
  CATALOG_URL: url({
    default: 'http://127.0.0.1:3002',
    desc: "The catalog's base URL; only the read-model rebuild (cli/rebuild-products) calls it, never a request",
  }),
  CART_IDLE_ABANDON_AFTER_HOURS: num({ default: 72, desc: 'A pending cart untouched for longer than this is abandoned by the idle timer' }),
  CART_IDLE_SWEEP_INTERVAL_MS: num({ default: 60_000, desc: 'How often the idle timer looks for idle pending carts' }),
};

export type CartConfig = ReturnType<typeof loadCartConfig>;

export function loadCartConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(cartConfig, env);
}
