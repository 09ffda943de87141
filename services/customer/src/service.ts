import { createTokenVerifier, redisCheck, startService, type RunningService, type ServiceStartOptions } from '@commerce/shared';
import type { CustomerConfig } from './config.js';
import { openDatabase } from './database.js';
import { AccessTokens } from './auth/access-tokens.js';
import { loadKeyRing } from './auth/signing-keys.js';
import { customerRoutes } from './http/routes.js';

export type { RunningService } from '@commerce/shared';

/**
 * The composition root: config in, a listening service out. Used by main.ts and by the tests.
 * The customer signs the tokens, so it verifies them with its own keys, never a JWKS.
 */
export async function startCustomerService(config: CustomerConfig, options: Omit<ServiceStartOptions, 'keyResolver'> = {}): Promise<RunningService> {
  // First: a missing or unreadable signing key stops the start before anything is opened.
  const ring = await loadKeyRing(config.JWT_PRIVATE_KEY_FILE, config.JWT_PREVIOUS_KEYS_DIR);
  const tokens = new AccessTokens(ring, config.ACCESS_TOKEN_TTL_SECONDS, config.JWT_PREVIOUS_KEY_GRACE_SECONDS);
  return startService({
    name: 'customer',
    config,
    options,
    openDatabase,
    wire: ({ orm, redis, logger }) => {
      // Kids are public; after a rotation this line says which key signs and which are still published.
      logger.info('access tokens', { signingKid: tokens.kid, publishedKids: tokens.jwks().keys.map((key) => key.kid) });
      return {
        routes: customerRoutes({ em: orm.em, tokens, verify: createTokenVerifier(tokens.keyResolver()), redis, logger, config }),
        // Login throttling (failures per IP and per e-mail) lives in Redis: it is part of readiness here.
        checks: { redis: redisCheck(redis) },
      };
    },
  });
}
