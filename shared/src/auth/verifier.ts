import type { KeyObject } from 'node:crypto';
import jwt, { type JwtHeader, type SigningKeyCallback } from 'jsonwebtoken';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors.js';

export type Role = 'customer' | 'admin';

export interface Principal {
  customerId: string;
  role: Role;
}

/** Access tokens are issued by the customer service and accepted by every service. */
export const ACCESS_TOKEN = { issuer: 'commerce-customer', audience: 'commerce', algorithm: 'ES256' } as const;

/**
 * Finds the public key for a token's `kid`; rejects when the kid is unknown, or with
 * ServiceUnavailableError when the keys can't be had right now (then the request is answered 503,
 * not 401: the token may be fine, and a client told 401 would throw its session away).
 */
export type KeyResolver = (kid: string) => Promise<KeyObject>;

export type TokenVerifier = (token: string) => Promise<Principal>;

export function createTokenVerifier(resolveKey: KeyResolver): TokenVerifier {
  return (token) =>
    new Promise((resolve, reject) => {
      let unavailable: ServiceUnavailableError | undefined;
      const getKey = (header: JwtHeader, callback: SigningKeyCallback) => {
        if (!header.kid) return callback(new Error('token has no kid'));
        resolveKey(header.kid).then(
          (key) => callback(null, key),
          (error: Error) => {
            if (error instanceof ServiceUnavailableError) unavailable = error;
            callback(error);
          },
        );
      };
      jwt.verify(
        token,
        getKey,
        { algorithms: [ACCESS_TOKEN.algorithm], issuer: ACCESS_TOKEN.issuer, audience: ACCESS_TOKEN.audience },
        (error, payload) => {
          if (unavailable) return reject(unavailable);
          const claims = payload as { sub?: unknown; role?: unknown } | undefined;
          if (error || !claims || typeof claims.sub !== 'string' || (claims.role !== 'customer' && claims.role !== 'admin')) {
            return reject(new UnauthenticatedError('The access token is invalid or expired.'));
          }
          resolve({ customerId: claims.sub, role: claims.role });
        },
      );
    });
}
