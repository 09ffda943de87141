import type pg from 'pg';
import { Redis } from 'ioredis';

const DEADLOCK = '40P01';

/**
 * Truncates a service's tables between tests. A message the service is still applying when a test
 * ends can deadlock with the truncate; the database then cancels one side, so try again.
 */
export async function truncateTables(db: pg.Pool, tables: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(`truncate ${tables} cascade`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK || attempt >= attempts) throw error;
    }
  }
}

/** Deletes the test Redis keys matching each pattern (rate-limit counters `rl:<svc>:*`, caches). */
export async function deleteRedisKeys(redisUrl: string, ...patterns: string[]): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (const pattern of patterns) {
      const keys = await redis.keys(pattern);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
