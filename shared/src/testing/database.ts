import type pg from 'pg';

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
