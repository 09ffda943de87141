import { commonConfig, loadConfig, num, url } from '@commerce/shared';

export const catalogConfig = {
  ...commonConfig,
  PORT: { ...commonConfig.PORT, default: 3002 },
  JWKS_URL: url({ desc: "The customer service's JWKS endpoint: the keys access tokens are verified with" }),
  PRODUCT_CACHE_TTL_SECONDS: num({ default: 60, desc: 'How long a product (JSON + ETag) stays in Redis; writes delete it at once anyway' }),
  CATEGORY_CACHE_TTL_SECONDS: num({ default: 300, desc: 'How long the category list pages stay in Redis' }),
  LISTING_CACHE_TTL_SECONDS: num({ default: 30, desc: 'How long a product listing page stays in Redis' }),
  RESERVATION_SWEEP_INTERVAL_MS: num({ default: 10_000, desc: 'How often expired stock reservations are released' }),
};

export type CatalogConfig = ReturnType<typeof loadCatalogConfig>;

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(catalogConfig, env);
}
