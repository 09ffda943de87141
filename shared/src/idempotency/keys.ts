/** An Idempotency-Key: 1..255 characters of letters, digits, `_` and `-` (UUIDs fit). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

export function isValidIdempotencyKey(key: unknown): key is string {
  return typeof key === 'string' && IDEMPOTENCY_KEY_PATTERN.test(key);
}

/** Stored keys are kept this long (documented retention): a key reused later counts as new. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
