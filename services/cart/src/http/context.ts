import type { EntityManager, Logger, TokenVerifier } from '@commerce/shared';
import type { CartMetrics } from '../metrics.js';

/** What the routes need from the composition root. */
export interface HttpDeps {
  /** The request-scoped entity manager (MikroORM RequestContext). */
  em: EntityManager;
  verify: TokenVerifier;
  logger: Logger;
  metrics: CartMetrics;
}
