import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN, localKeys, toPublicJwk, type PublicJwk, type Role } from '@commerce/shared';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export function loadSigningKey(file: string, kid: string): SigningKey {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path is operator configuration, not user input
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('JWT_PRIVATE_KEY_FILE must hold a P-256 (ES256) private key');
  }
  return { kid, privateKey };
}

/** Issues short-lived access tokens and publishes the keys that verify them. */
export class AccessTokens {
  constructor(
    private readonly key: SigningKey,
    readonly ttlSeconds: number,
  ) {}

  issue(subject: { id: string; role: Role }): string {
    return jwt.sign({ role: subject.role }, this.key.privateKey, {
      algorithm: ACCESS_TOKEN.algorithm,
      keyid: this.key.kid,
      issuer: ACCESS_TOKEN.issuer,
      audience: ACCESS_TOKEN.audience,
      subject: subject.id,
      expiresIn: this.ttlSeconds,
      jwtid: randomUUID(),
    });
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: [toPublicJwk(this.key.privateKey, this.key.kid)] };
  }

  /** This service verifies its own tokens in-process. */
  keyResolver() {
    return localKeys(new Map([[this.key.kid, this.key.privateKey]]));
  }
}
