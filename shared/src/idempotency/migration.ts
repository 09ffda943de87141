import { Migration } from '@mikro-orm/migrations';

/**
 * The `idempotency_keys` table behind `withIdempotency`. A service that honours `Idempotency-Key`
 * lists this class in its own migrations (its own database).
 *
 * One row per (scope, key): the fingerprint of the request that first used the key and the response
 * it got. The response columns are null only inside the transaction that claimed the key (the row is
 * inserted first, so a concurrent request with the same key waits on it); they are filled before that
 * transaction commits. The body is `json`, not `jsonb`, so a replay is the same text, keys in the
 * same order, as the first answer. Rows older than the retention (24 h) are purged; created_at is indexed for that.
 */
export class IdempotencyMigration extends Migration {
  override up(): void {
    this.addSql(`create table idempotency_keys (
      scope text not null,
      key text not null,
      fingerprint text not null,
      response_status int null,
      response_headers jsonb null,
      response_body json null,
      created_at timestamptz(3) not null default now(),
      primary key (scope, key),
      constraint idempotency_keys_key_format check (key ~ '^[A-Za-z0-9_-]{1,255}$')
    )`);
    this.addSql('create index idempotency_keys_created_at_idx on idempotency_keys (created_at)');
  }

  override down(): void {
    this.addSql('drop table idempotency_keys');
  }
}
