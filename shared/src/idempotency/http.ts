import type { Request, Response } from 'express';
import { ValidationError } from '../errors.js';
import { isValidIdempotencyKey } from './keys.js';
import type { StoredResponse } from './with-idempotency.js';

/**
 * The request's `Idempotency-Key`: a 400 IDEMPOTENCY_KEY_REQUIRED when it is missing, a 400
 * VALIDATION_FAILED when it is malformed (as the problem handler answers when the contract's
 * validator finds either first).
 */
export function requireIdempotencyKey(req: Request): string {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') {
    throw new ValidationError(
      'This request needs an Idempotency-Key header, so that a retry cannot do it twice.',
      [{ path: '/headers/idempotency-key', message: 'is required' }],
      'IDEMPOTENCY_KEY_REQUIRED',
    );
  }
  if (!isValidIdempotencyKey(key)) {
    throw new ValidationError(
      'The Idempotency-Key header must be 1 to 255 characters of letters, digits, "_" and "-".',
      [{ path: '/headers/idempotency-key', message: 'must match ^[A-Za-z0-9_-]{1,255}$' }],
    );
  }
  return key;
}

/** Sends a response from withIdempotency (first answer or replay) with its status, headers and JSON body. */
export function sendStored(res: Response, stored: StoredResponse): void {
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.status(stored.status);
  if (stored.body === null || stored.body === undefined || stored.status === 204 || stored.status === 304) res.end();
  else res.json(stored.body);
}
