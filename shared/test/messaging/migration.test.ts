import { expect } from 'chai';
import type { EntityManager, MikroORM } from '../../src/db/orm.js';
import { MessagingTablesMigration } from '../../src/messaging/index.js';
import { openMessagingOrm } from '../support/database.js';

/** Runs the migration's statements inside the caller's transaction (Postgres DDL is transactional). */
async function apply(em: EntityManager, orm: MikroORM, direction: 'up' | 'down') {
  const migration = new MessagingTablesMigration(orm.em.getDriver(), orm.config);
  await migration[direction]();
  for (const sql of migration.getQueries()) await em.getConnection().execute(sql as string, [], 'run', em.getTransactionContext());
}

async function exists(em: EntityManager, sql: string): Promise<boolean> {
  const rows = await em.getConnection().execute<{ found: boolean }[]>(`select (${sql}) as found`, [], 'all', em.getTransactionContext());
  return rows[0]!.found;
}

describe('MessagingTablesMigration', () => {
  let orm: MikroORM;
  before(async () => {
    orm = await openMessagingOrm();
  });
  after(() => orm.close());

  it('when migrated down and up again, then the tables, indexes and trigger go and come back', async () => {
    const rollback = new Error('rollback: leave the shared test database as it was');
    const seen: Record<string, boolean> = {};
    await orm.em
      .fork()
      .transactional(async (em) => {
        await apply(em, orm, 'down');
        seen.outboxAfterDown = await exists(em, "to_regclass('outbox') is not null");
        seen.inboxAfterDown = await exists(em, "to_regclass('inbox') is not null");
        seen.functionAfterDown = await exists(em, "to_regproc('outbox_notify') is not null");
        await apply(em, orm, 'up');
        seen.outboxAfterUp = await exists(em, "to_regclass('outbox') is not null");
        seen.inboxAfterUp = await exists(em, "to_regclass('inbox') is not null");
        seen.partialIndex = await exists(em, "to_regclass('outbox_unpublished_idx') is not null");
        seen.trigger = await exists(em, "exists (select 1 from pg_trigger where tgname = 'outbox_notify')");
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(seen).to.deep.equal({
      outboxAfterDown: false,
      inboxAfterDown: false,
      functionAfterDown: false,
      outboxAfterUp: true,
      inboxAfterUp: true,
      partialIndex: true,
      trigger: true,
    });
  });
});
