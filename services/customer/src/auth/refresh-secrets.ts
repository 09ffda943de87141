import { createHash, randomBytes } from 'node:crypto';

/** A refresh token is 256 random bits; only its SHA-256 is stored. */
export function newRefreshSecret(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
