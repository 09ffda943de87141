import { randomUUID } from 'node:crypto';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export type RefreshTokenState = 'active' | 'rotated' | 'revoked' | 'expired';

/**
 * One link of a refresh-token family. Each refresh rotates the token (the old one is marked
 * rotated, a new one joins the family); presenting a rotated token again means it was stolen
 * or replayed, so the whole family is revoked.
 */
export class RefreshToken {
  readonly id: string = randomUUID();
  readonly customerId: string;
  readonly familyId: string;
  /** SHA-256 of the token: the token itself is only ever known to its holder. */
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  rotatedAt: Date | null = null;
  revokedAt: Date | null = null;

  constructor(props: { customerId: string; tokenHash: string; familyId?: string; now?: Date }) {
    this.customerId = props.customerId;
    this.tokenHash = props.tokenHash;
    this.familyId = props.familyId ?? randomUUID();
    this.createdAt = props.now ?? new Date();
    this.expiresAt = new Date(this.createdAt.getTime() + REFRESH_TOKEN_TTL_MS);
  }

  stateAt(now: Date): RefreshTokenState {
    if (this.revokedAt) return 'revoked';
    if (this.rotatedAt) return 'rotated';
    if (now >= this.expiresAt) return 'expired';
    return 'active';
  }

  /** The successor that replaces this token; this one may never be used again. */
  rotate(successorHash: string, now: Date): RefreshToken {
    this.rotatedAt = now;
    return new RefreshToken({ customerId: this.customerId, tokenHash: successorHash, familyId: this.familyId, now });
  }

  revoke(now: Date): void {
    this.revokedAt ??= now;
  }
}
