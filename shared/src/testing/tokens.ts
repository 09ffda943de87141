import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN, type KeyResolver, type Role } from '../auth/verifier.js';
import { localKeys } from '../auth/jwks.js';

export interface TestTokens {
  /** Give it to the service under test (`start...Service(config, { keyResolver })`). */
  keyResolver: KeyResolver;
  /** An access token as the customer service would issue it, signed with the test key. */
  sign(subject: string, role: Role, options?: jwt.SignOptions): string;
}

/**
 * For the tests of a service that only verifies access tokens: a fresh ES256 key of the test's
 * own, and a signer, so tokens of any role can be made with no customer service running.
 */
export function testTokens(kid: string): TestTokens {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    keyResolver: localKeys(new Map([[kid, privateKey]])),
    sign: (subject, role, options = {}) =>
      jwt.sign({ role }, privateKey, {
        algorithm: 'ES256',
        keyid: kid,
        issuer: ACCESS_TOKEN.issuer,
        audience: ACCESS_TOKEN.audience,
        subject,
        expiresIn: 300,
        ...options,
      }),
  };
}
