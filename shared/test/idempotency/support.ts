import type { EntityManager, MikroORM } from '../../src/db/orm.js';
import { IdempotencyMigration } from '../../src/idempotency/index.js';
import { openMessagingOrm } from '../support/database.js';

/** The handler's effect: one row per run of `work`. No unique key on purpose, so a double run would show. */
export const EFFECTS_TABLE = 'idempotency_test_effects';

/** Runs the migration's statements inside the caller's transaction (Postgres DDL is transactional). */
export async function applyMigration(em: EntityManager, orm: MikroORM, direction: 'up' | 'down'): Promise<void> {
  const migration = new IdempotencyMigration(orm.em.getDriver(), orm.config);
  await migration[direction]();
  for (const sql of migration.getQueries()) await em.getConnection().execute(sql as string, [], 'run', em.getTransactionContext());
}

/**
 * An ORM on the kit's test database with idempotency_keys created afresh from the current migration
 * (so a table left by an older version of it can't linger). Applied directly rather than through
 * the migrator, so the messaging tests' migration list is unchanged.
 */
export async function openIdempotencyOrm(): Promise<MikroORM> {
  const orm = await openMessagingOrm();
  await orm.em.fork().transactional(async (em) => {
    await em.getConnection().execute("select pg_advisory_xact_lock(hashtext('idempotency-test-setup'))", [], 'all', em.getTransactionContext());
    await em.getConnection().execute('drop table if exists idempotency_keys', [], 'run', em.getTransactionContext());
    await applyMigration(em, orm, 'up');
  });
  await orm.em.fork().getConnection().execute(`create table if not exists ${EFFECTS_TABLE} (id serial primary key, label text not null)`);
  return orm;
}

export async function recordEffect(tx: EntityManager, label: string): Promise<void> {
  await tx.getConnection().execute(`insert into ${EFFECTS_TABLE} (label) values (?)`, [label], 'run', tx.getTransactionContext());
}

export async function effects(orm: MikroORM, label?: string): Promise<number> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ n: number }[]>(`select count(*)::int as n from ${EFFECTS_TABLE}${label ? ' where label = ?' : ''}`, label ? [label] : []);
  return rows[0]?.n ?? 0;
}

export async function storedKeys(orm: MikroORM, scope?: string): Promise<{ scope: string; key: string; response_status: number | null }[]> {
  return orm.em
    .fork()
    .getConnection()
    .execute(`select scope, key, response_status from idempotency_keys${scope ? ' where scope = ?' : ''} order by scope, key`, scope ? [scope] : []);
}
