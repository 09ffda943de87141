import { UnauthenticatedError, type EntityManager } from '@commerce/shared';
import { LockMode } from '@mikro-orm/postgresql';
import { Customer, normalizeEmail } from '../domain/customer.js';
import { RefreshToken } from '../domain/refresh-token.js';
import { verifyPassword } from '../auth/passwords.js';
import { hashRefreshToken, newRefreshSecret } from '../auth/refresh-secrets.js';
import type { AccessTokens } from '../auth/access-tokens.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

const invalidCredentials = () => new UnauthenticatedError('The email or password is wrong.', 'INVALID_CREDENTIALS');
const invalidRefreshToken = () => new UnauthenticatedError('The refresh token is invalid, expired or revoked.', 'INVALID_REFRESH_TOKEN');

function pair(tokens: AccessTokens, customer: Customer, refreshToken: string): TokenPair {
  return { accessToken: tokens.issue(customer), refreshToken, tokenType: 'Bearer', expiresIn: tokens.ttlSeconds };
}

/** Unknown email and wrong password fail alike, in about the same time. */
export async function logIn(em: EntityManager, tokens: AccessTokens, email: string, password: string): Promise<TokenPair> {
  const customer = await em.findOne(Customer, { emailNormalized: normalizeEmail(email), deletedAt: null });
  const valid = await verifyPassword(customer?.passwordHash, password);
  if (!customer || !valid) throw invalidCredentials();
  customer.assertMaySignIn();
  const secret = newRefreshSecret();
  em.persist(new RefreshToken({ customerId: customer.id, tokenHash: secret.hash }));
  await em.flush();
  return pair(tokens, customer, secret.token);
}

export async function revokeFamily(em: EntityManager, familyId: string, now = new Date()) {
  await em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: now });
}

export async function revokeAllSessions(em: EntityManager, customerId: string, now = new Date()) {
  await em.nativeUpdate(RefreshToken, { customerId, revokedAt: null }, { revokedAt: now });
}

/**
 * Rotation under a row lock, so two concurrent refreshes of one token can't both succeed: the
 * second sees the token rotated, which is reuse, and revokes the family. The revocation commits
 * before the error is raised.
 */
export async function refreshSession(em: EntityManager, tokens: AccessTokens, refreshToken: string): Promise<TokenPair> {
  const now = new Date();
  const outcome = await em.transactional(async (tx) => {
    const current = await tx.findOne(RefreshToken, { tokenHash: hashRefreshToken(refreshToken) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!current) return { error: invalidRefreshToken() };
    const state = current.stateAt(now);
    if (state === 'rotated') {
      await revokeFamily(tx, current.familyId, now);
      return { error: new UnauthenticatedError('This refresh token was already used; every session of its family is revoked.', 'REFRESH_TOKEN_REUSED') };
    }
    if (state !== 'active') return { error: invalidRefreshToken() };
    const customer = await tx.findOne(Customer, { id: current.customerId, deletedAt: null });
    if (!customer) return { error: invalidRefreshToken() };
    customer.assertMaySignIn();
    const secret = newRefreshSecret();
    tx.persist(current.rotate(secret.hash, now));
    return { pair: pair(tokens, customer, secret.token) };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.pair;
}

/** Ends the session the token belongs to. Unknown tokens are ignored, so logout is no oracle. */
export async function logOut(em: EntityManager, refreshToken: string): Promise<void> {
  const current = await em.findOne(RefreshToken, { tokenHash: hashRefreshToken(refreshToken) });
  if (current) await revokeFamily(em, current.familyId);
}
