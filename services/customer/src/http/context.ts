import type { EntityManager, Logger, Redis, TokenVerifier } from '@commerce/shared';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { CustomerConfig } from '../config.js';

/** What the route modules need from the composition root. */
export interface HttpDeps {
  /** The request-scoped entity manager (MikroORM RequestContext). */
  em: EntityManager;
  tokens: AccessTokens;
  verify: TokenVerifier;
  redis: Redis;
  logger: Logger;
  config: CustomerConfig;
}
