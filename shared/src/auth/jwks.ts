import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import type { KeyResolver } from './verifier.js';

/**
 * Keys fetched from the customer service's JWKS endpoint, cached, and fetched again when a
 * token names a kid we haven't seen (key rotation), at most a few times a minute.
 */
export function remoteKeys(jwksUri: string): KeyResolver {
  const client = new JwksClient({
    jwksUri,
    cache: true,
    cacheMaxAge: 10 * 60_000,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 3_000,
  });
  return async (kid) => (await client.getSigningKey(kid)).getPublicKey();
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

export function toPublicJwk(key: KeyObject, kid: string): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
}

/** Keys known in-process (the issuer verifies its own tokens without a network hop). */
export function localKeys(keys: Map<string, KeyObject>): KeyResolver {
  return async (kid) => {
    const key = keys.get(kid);
    if (!key) throw new Error(`unknown kid ${kid}`);
    return createPublicKey(key).export({ format: 'pem', type: 'spki' }).toString();
  };
}
