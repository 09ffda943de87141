import { createOrm, type MikroORM } from '../../src/db/orm.js';
import { MessagingTablesMigration, messagingEntities } from '../../src/messaging/index.js';
import { DATABASE_URL } from './env.js';
import { quietLogger } from './logger.js';

export const MESSAGING_MIGRATION = { name: 'Migration00000000000001MessagingTables', class: MessagingTablesMigration };

/** An ORM on the test database with the messaging tables migrated in (idempotent across files). */
export async function openMessagingOrm(): Promise<MikroORM> {
  const orm = await createOrm({ url: DATABASE_URL, entities: messagingEntities, migrations: [MESSAGING_MIGRATION], logger: quietLogger(), poolMax: 5 });
  await orm.getMigrator().up();
  return orm;
}

export async function truncateMessagingTables(orm: MikroORM): Promise<void> {
  await orm.em.fork().getConnection().execute('truncate outbox, inbox');
}

export async function countRows(orm: MikroORM, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await orm.em.fork().getConnection().execute<{ n: number }[]>(`select count(*)::int as n from (${sql}) as q`, params);
  return rows[0]?.n ?? 0;
}
