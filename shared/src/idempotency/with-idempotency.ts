import type { EntityManager } from '@mikro-orm/postgresql';
import { UnprocessableError, ValidationError } from '../errors.js';
import { fingerprintOf } from './fingerprint.js';
import { isValidIdempotencyKey } from './keys.js';

/** The answer a use case gives, stored so a retry with the same key gets it again. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface IdempotencyRequest {
  /** Whose keys these are, e.g. `cart:checkout:<customerId>`: keys of different scopes never collide. */
  scope: string;
  /** The client's Idempotency-Key (see requireIdempotencyKey). */
  key: string;
  /** What the client asked for (usually the body, plus path ids): same key with another request is a 422. */
  request: unknown;
}

interface StoredRow {
  fingerprint: string;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: unknown;
}

const SQL = {
  claim: `insert into idempotency_keys (scope, key, fingerprint) values (?, ?, ?)
          on conflict (scope, key) do nothing
          returning scope`,
  find: `select fingerprint, response_status, response_headers, response_body
           from idempotency_keys where scope = ? and key = ?`,
  store: `update idempotency_keys
             set response_status = ?, response_headers = ?::jsonb, response_body = ?::json
           where scope = ? and key = ?`,
} as const;

/**
 * Runs `work` at most once per (scope, key), in one transaction with the stored answer:
 *
 * 1. The key row is inserted first (`on conflict do nothing`). A concurrent request with the same key
 *    blocks on that insert until the first transaction ends: if it committed, the row is there and is
 *    replayed; if it rolled back, the waiting request claims the key itself.
 * 2. `work(tx)` runs in the same transaction; its response is written to the row; everything commits
 *    together. If `work` (or storing) throws, the transaction rolls back: nothing is stored, and a
 *    retry with the key runs `work` again.
 * 3. A key already stored with the same request fingerprint replays its response (`replayed: true`)
 *    without running `work`; with another fingerprint it is a 422 IDEMPOTENCY_KEY_REUSED.
 *
 * Needs the table from IdempotencyMigration. Rows are purged after IDEMPOTENCY_RETENTION_MS.
 */
export async function withIdempotency(
  em: EntityManager,
  { scope, key, request }: IdempotencyRequest,
  work: (tx: EntityManager) => Promise<StoredResponse>,
): Promise<{ response: StoredResponse; replayed: boolean }> {
  if (!isValidIdempotencyKey(key)) throw invalidKey();
  if (typeof scope !== 'string' || scope.length === 0) throw new Error('withIdempotency needs a non-empty scope');
  const fingerprint = fingerprintOf(request);

  return em.transactional(async (tx) => {
    const connection = tx.getConnection();
    const context = tx.getTransactionContext();
    const claimed = await connection.execute<{ scope: string }[]>(SQL.claim, [scope, key, fingerprint], 'all', context);
    if (claimed.length === 0) {
      const [row] = await connection.execute<StoredRow[]>(SQL.find, [scope, key], 'all', context);
      // The row was committed by the request that claimed it (or we would still be waiting on it).
      if (!row) throw new Error(`Idempotency key ${scope}/${key} vanished between claim and read (purged?); retry`);
      if (row.fingerprint !== fingerprint) {
        throw new UnprocessableError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
      }
      if (row.response_status === null) throw new Error(`Idempotency key ${scope}/${key} has no stored response`);
      const replay: StoredResponse = { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body ?? null };
      return { response: replay, replayed: true };
    }

    const response = await work(tx);
    const headers = { ...(response.headers ?? {}) };
    const body = response.body === undefined || response.body === null ? null : JSON.stringify(response.body);
    await connection.execute(SQL.store, [response.status, JSON.stringify(headers), body, scope, key], 'run', context);
    // The first caller gets exactly what a replay will get (the JSON of the body), not the live objects.
    const stored: StoredResponse = { status: response.status, headers, body: body === null ? null : (JSON.parse(body) as unknown) };
    return { response: stored, replayed: false };
  });
}

function invalidKey(): ValidationError {
  return new ValidationError(
    'The Idempotency-Key header must be 1 to 255 characters of letters, digits, "_" and "-".',
    [{ path: '/headers/idempotency-key', message: 'must match ^[A-Za-z0-9_-]{1,255}$' }],
  );
}
