import type { KeyObject } from 'node:crypto';
import jwt, { type JwtHeader, type SigningKeyCallback } from 'jsonwebtoken';
import { UnauthenticatedError } from '../errors.js';

export type Role = 'customer' | 'admin';

export interface Principal {
  customerId: string;
  role: Role;
}

/** Access tokens are issued by the customer service and accepted by every service. */
export const ACCESS_TOKEN = { issuer: 'commerce-customer', audience: 'commerce', algorithm: 'ES256' } as const;

/** Finds the public key for a token's `kid`; rejects when the kid is unknown. */
export type KeyResolver = (kid: string) => Promise<KeyObject>;

export type TokenVerifier = (token: string) => Promise<Principal>;

export function createTokenVerifier(resolveKey: KeyResolver): TokenVerifier {
  const getKey = (header: JwtHeader, callback: SigningKeyCallback) => {
    if (!header.kid) return callback(new Error('token has no kid'));
    resolveKey(header.kid).then(
      (key) => callback(null, key),
      (error: Error) => callback(error),
    );
  };
  return (token) =>
    new Promise((resolve, reject) => {
      jwt.verify(
        token,
        getKey,
        { algorithms: [ACCESS_TOKEN.algorithm], issuer: ACCESS_TOKEN.issuer, audience: ACCESS_TOKEN.audience },
        (error, payload) => {
          const claims = payload as { sub?: unknown; role?: unknown } | undefined;
          if (error || !claims || typeof claims.sub !== 'string' || (claims.role !== 'customer' && claims.role !== 'admin')) {
            return reject(new UnauthenticatedError('The access token is invalid or expired.'));
          }
          resolve({ customerId: claims.sub, role: claims.role });
        },
      );
    });
}
