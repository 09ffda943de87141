import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import { IDEMPOTENCY_RETENTION_MS } from './keys.js';

const PURGE_SQL = `delete from idempotency_keys where ctid in (
                     select ctid from idempotency_keys
                      where created_at < now() - (?::double precision * interval '1 millisecond')
                      limit ?)`;

export interface PurgeOptions {
  /** Rows older than this go. Default IDEMPOTENCY_RETENTION_MS (24 h). */
  olderThanMs?: number;
  /** Rows per delete, so each statement stays short. Default 5,000. */
  batchSize?: number;
}

/**
 * Deletes stored keys older than the retention, in small batches; returns how many went. Given an
 * EntityManager it runs on that manager's connection (inside its transaction, if it has one).
 */
export async function purgeIdempotencyKeys(target: EntityManager | MikroORM, options: PurgeOptions = {}): Promise<number> {
  const em = 'em' in target ? target.em.fork() : target;
  const olderThanMs = options.olderThanMs ?? IDEMPOTENCY_RETENTION_MS;
  const batchSize = options.batchSize ?? 5_000;
  let total = 0;
  for (;;) {
    const result = await em.getConnection().execute<{ affectedRows: number }>(PURGE_SQL, [olderThanMs, batchSize], 'run', em.getTransactionContext());
    total += result.affectedRows;
    if (result.affectedRows < batchSize) return total;
  }
}

export interface IdempotencyPurgeOptions extends PurgeOptions {
  orm: MikroORM;
  logger: Logger;
  /** How often to purge. Default 1 h; the first purge runs at start. */
  intervalMs?: number;
}

export interface IdempotencyPurge {
  /** Purges now (also what the timer runs); never throws, failures are logged. */
  runNow(): Promise<number>;
  /** Stops the timer and waits for a purge in progress. Put it in serve()'s closers before the ORM. */
  stop(): Promise<void>;
}

/**
 * The small timer a service starts to apply the 24 h retention of idempotency keys. Safe with
 * replicas: deletes of the same old rows by two processes just find fewer rows.
 */
export function startIdempotencyPurge(options: IdempotencyPurgeOptions): IdempotencyPurge {
  let running: Promise<number> | undefined;
  let stopped = false;
  const runNow = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    running ??= purgeIdempotencyKeys(options.orm, options)
      .then((count) => {
        if (count > 0) options.logger.info('purged old idempotency keys', { count });
        return count;
      })
      .catch((error: unknown) => {
        options.logger.warn('purging old idempotency keys failed', { error });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), options.intervalMs ?? 60 * 60 * 1000);
  timer.unref();
  void runNow();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
