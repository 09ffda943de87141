import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN, localKeys, toPublicJwk, type KeyResolver, type PublicJwk, type Role } from '@commerce/shared';
import { verifiableUntil, type KeyRing } from './signing-keys.js';

/**
 * Issues short-lived access tokens with the current key and publishes the keys that verify them:
 * the current one and each retired one until the tokens it signed have expired (plus a grace).
 */
export class AccessTokens {
  constructor(
    private readonly ring: KeyRing,
    readonly ttlSeconds: number,
    private readonly graceSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  get kid(): string {
    return this.ring.current.kid;
  }

  issue(subject: { id: string; role: Role }): string {
    return jwt.sign({ role: subject.role }, this.ring.current.privateKey, {
      algorithm: ACCESS_TOKEN.algorithm,
      keyid: this.ring.current.kid,
      issuer: ACCESS_TOKEN.issuer,
      audience: ACCESS_TOKEN.audience,
      subject: subject.id,
      expiresIn: this.ttlSeconds,
      jwtid: randomUUID(),
    });
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: [...this.verificationKeys()].map(([kid, key]) => toPublicJwk(key, kid)) };
  }

  /** This service verifies its own tokens in-process, with the same keys it publishes. */
  keyResolver(): KeyResolver {
    return (kid) => localKeys(this.verificationKeys())(kid);
  }

  /** Worked out on every call, so a retired key leaves the JWKS on time without a restart. */
  private verificationKeys(): Map<string, KeyObject> {
    const keys = new Map<string, KeyObject>([[this.ring.current.kid, this.ring.current.privateKey]]);
    for (const key of this.ring.retired) {
      if (this.now() < verifiableUntil(key, this.ttlSeconds, this.graceSeconds).getTime()) keys.set(key.kid, key.publicKey);
    }
    return keys;
  }
}
