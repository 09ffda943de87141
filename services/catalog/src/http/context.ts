import type { EntityManager, Logger, TokenVerifier } from '@commerce/shared';
import type { CatalogCache } from '../cache/catalog-cache.js';
import type { CatalogConfig } from '../config.js';

/** What the route modules need from the composition root. */
export interface HttpDeps {
  /** The request-scoped entity manager (MikroORM RequestContext). */
  em: EntityManager;
  verify: TokenVerifier;
  cache: CatalogCache;
  logger: Logger;
  config: CatalogConfig;
}
