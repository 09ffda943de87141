/** Idempotency-Key support: the table, the transactional wrapper, the HTTP helpers and the purge. */
export { IdempotencyMigration } from './migration.js';
export { withIdempotency, type StoredResponse, type IdempotencyRequest } from './with-idempotency.js';
export { requireIdempotencyKey, sendStored } from './http.js';
export { canonicalJson, fingerprintOf } from './fingerprint.js';
export { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETENTION_MS, isValidIdempotencyKey } from './keys.js';
export { purgeIdempotencyKeys, startIdempotencyPurge, type PurgeOptions, type IdempotencyPurge, type IdempotencyPurgeOptions } from './purge.js';
