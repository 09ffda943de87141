import { createPublicKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, createRemoteJWKSet, errors, jwksCache, type ExportedJWKSCache, type JSONWebKeySet } from 'jose';
import { ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { ACCESS_TOKEN, type KeyResolver } from './verifier.js';

/**
 * How verifiers cache the customer service's JWKS. The issuer keeps a retired key published at
 * least the access-token lifetime plus maxAgeMs (see the customer's JWT_PREVIOUS_KEY_GRACE_SECONDS).
 */
export const JWKS_CACHE = {
  /** A fetched key set is trusted this long; a key removed from the JWKS is dropped by then. */
  maxAgeMs: 10 * 60_000,
  /**
   * A kid not in the cached set fetches the set again, at most once per this period. Short, so a
   * verifier that fetched just before a rotation takes the new key within seconds; one small GET
   * per 5 s is the most a flood of made-up kids can cost the customer service.
   */
  cooldownMs: 5_000,
  /**
   * Every request waiting on the refetch fails with it: 3 s proved too short under `make load` on
   * the 2-core machine, where the customer took longer to accept the connection.
   */
  timeoutMs: 10_000,
  /**
   * While the JWKS can't be fetched (the customer service down or unreachable), the last set
   * fetched is still used this long past its age, so an outage of the issuer doesn't log out
   * every shopper elsewhere; past it, 503. It bounds how long a key withdrawn during an outage
   * stays trusted.
   */
  maxStaleMs: 60 * 60_000,
};

/** A kid the JWKS lacks is the token's fault (401); a JWKS that can't be fetched is ours (503). */
const UNKNOWN_KID = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys];

/**
 * Keys fetched from the customer service's JWKS endpoint (jose's remote key set): cached, and
 * fetched again when a token names a kid the cache lacks (a new signing key), one fetch per
 * cooldown however many requests carry it, so a rotation needs no restart of the verifiers.
 * When a fetch fails, keys come from the last set fetched (up to maxStaleMs past its age), and
 * no fetch is tried again for a cooldown, so that requests don't each wait out a timeout; a key
 * that can't be had that way rejects with ServiceUnavailableError (503, Retry-After).
 */
export function remoteKeys(jwksUri: string, cache: Partial<typeof JWKS_CACHE> = {}, logger?: Logger): KeyResolver {
  const { maxAgeMs, cooldownMs, timeoutMs, maxStaleMs } = { ...JWKS_CACHE, ...cache };
  // jose records each set it fetches here, with the time (uat).
  const fetched = {} as Partial<ExportedJWKSCache>;
  const keySet = createRemoteJWKSet(new URL(jwksUri), {
    cacheMaxAge: maxAgeMs,
    cooldownDuration: cooldownMs,
    timeoutDuration: timeoutMs,
    [jwksCache]: fetched as ExportedJWKSCache,
  });
  const lastFetched = lastSetOf(fetched, maxAgeMs + maxStaleMs);
  let failedAt = -Infinity;

  const fromLastFetched = async (kid: string) => {
    const key = await lastFetched()?.({ alg: ACCESS_TOKEN.algorithm, kid }).catch(() => undefined);
    if (key) return KeyObject.from(key);
    throw new ServiceUnavailableError('The keys that verify access tokens cannot be fetched right now; try again shortly.', Math.ceil(cooldownMs / 1000));
  };

  return async (kid) => {
    if (Date.now() - failedAt < cooldownMs) return fromLastFetched(kid);
    try {
      return KeyObject.from(await keySet({ alg: ACCESS_TOKEN.algorithm, kid }));
    } catch (error) {
      if (UNKNOWN_KID.some((known) => error instanceof known)) throw error;
      failedAt = Date.now();
      // Once per cooldown at most: the first sign of an issuer outage, long before any 503.
      const ageSeconds = fetched.uat === undefined ? undefined : Math.round((failedAt - fetched.uat) / 1000);
      logger?.warn('JWKS fetch failed; verifying with the last key set fetched, if any', { jwksUri, error, lastFetchedSecondsAgo: ageSeconds });
      return fromLastFetched(kid);
    }
  };
}

/** The last key set jose fetched, as a local set (built once per fetch), while younger than maxAgeMs. */
function lastSetOf(fetched: Partial<ExportedJWKSCache>, maxAgeMs: number) {
  let built: { jwks: JSONWebKeySet; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  return () => {
    const { jwks, uat } = fetched;
    if (!jwks || uat === undefined || Date.now() - uat > maxAgeMs) return undefined;
    if (built?.jwks !== jwks) built = { jwks, set: createLocalJWKSet(jwks) };
    return built.set;
  };
}

/** The public half of a private key, or the key itself when it is public already (createPublicKey refuses those). */
function publicOf(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: 'sig';
}

/** Only the public members are copied: the private scalar `d` can never reach the JWKS. */
export function toPublicJwk(key: KeyObject, kid: string): PublicJwk {
  const jwk = publicOf(key).export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: ACCESS_TOKEN.algorithm, use: 'sig' };
}

/** The RFC 7638 thumbprint of the (public) key: a kid that changes exactly when the key does. */
export function keyThumbprint(key: KeyObject): Promise<string> {
  const { kty, crv, x, y } = publicOf(key).export({ format: 'jwk' });
  return calculateJwkThumbprint({ kty, crv, x, y }, 'sha256');
}

/** Keys known in-process, private or public (the issuer verifies its own tokens without a network hop). */
export function localKeys(keys: Map<string, KeyObject>): KeyResolver {
  return async (kid) => {
    const key = keys.get(kid);
    if (!key) throw new Error(`unknown kid ${kid}`);
    return publicOf(key);
  };
}
