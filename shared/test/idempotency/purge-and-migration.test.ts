import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { MikroORM } from '../../src/db/orm.js';
import { IDEMPOTENCY_RETENTION_MS, purgeIdempotencyKeys, startIdempotencyPurge } from '../../src/idempotency/index.js';
import { quietLogger } from '../support/logger.js';
import { applyMigration, openIdempotencyOrm, storedKeys } from './support.js';

const HOUR_MS = 60 * 60 * 1000;

describe('idempotency keys: retention purge and migration', () => {
  let orm: MikroORM;
  let scope: string;

  /** A stored key created `ageMs` ago. */
  const insertKey = (key: string, ageMs: number, s = scope) =>
    orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into idempotency_keys (scope, key, fingerprint, response_status, response_headers, response_body, created_at)
         values (?, ?, 'f', 202, '{}', '{}', now() - (?::double precision * interval '1 millisecond'))`,
        [s, key, ageMs],
      );

  before(async () => {
    orm = await openIdempotencyOrm();
  });
  beforeEach(() => {
    scope = `test:purge:${randomUUID()}`;
  });
  after(async () => {
    await orm.em.fork().getConnection().execute("delete from idempotency_keys where scope like 'test:%'");
    await orm.close();
  });

  it('when purging, then keys older than 24 h go and younger ones stay', async () => {
    await insertKey('old-1', IDEMPOTENCY_RETENTION_MS + HOUR_MS);
    await insertKey('old-2', 3 * IDEMPOTENCY_RETENTION_MS);
    await insertKey('young', IDEMPOTENCY_RETENTION_MS - HOUR_MS);
    await insertKey('fresh', 0);

    const purged = await purgeIdempotencyKeys(orm);
    expect(purged).to.be.at.least(2); // other old test rows in the shared database may go too
    expect((await storedKeys(orm, scope)).map((r) => r.key)).to.deep.equal(['fresh', 'young']);
  });

  it('when there are more old keys than one batch, then every old key goes, batch by batch', async () => {
    for (let i = 0; i < 7; i += 1) await insertKey(`old-${i}`, 2 * HOUR_MS);
    await insertKey('young', 0);

    await purgeIdempotencyKeys(orm.em, { olderThanMs: HOUR_MS, batchSize: 2 });
    expect((await storedKeys(orm, scope)).map((r) => r.key)).to.deep.equal(['young']);
  });

  it('when the purge timer is started, then it purges at once and on demand, and stops cleanly', async () => {
    await insertKey('old', 2 * IDEMPOTENCY_RETENTION_MS);
    const purge = startIdempotencyPurge({ orm, logger: quietLogger(), intervalMs: 60_000 });
    try {
      await purge.runNow();
      expect(await storedKeys(orm, scope)).to.deep.equal([]);
      await insertKey('old-again', 2 * IDEMPOTENCY_RETENTION_MS);
      expect(await purge.runNow()).to.be.at.least(1);
      expect(await storedKeys(orm, scope)).to.deep.equal([]);
    } finally {
      await purge.stop();
    }
    expect(await purge.runNow()).to.equal(0);
  });

  it('when the table is missing, then purgeIdempotencyKeys fails naming it (on the caller\'s transaction)', async () => {
    const rollback = new Error('rollback');
    await orm.em
      .fork()
      .transactional(async (em) => {
        await applyMigration(em, orm, 'down');
        await purgeIdempotencyKeys(em).then(
          () => expect.fail('should fail without the table'),
          (error: Error) => expect(error.message).to.match(/idempotency_keys/),
        );
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
  });

  it('when migrated down and up again, then the table, its index and the key format check go and come back', async () => {
    const rollback = new Error('rollback: leave the shared test database as it was');
    const seen: Record<string, unknown> = {};
    await orm.em
      .fork()
      .transactional(async (em) => {
        const query = async (sql: string) => (await em.getConnection().execute<{ v: unknown }[]>(`select (${sql}) as v`, [], 'all', em.getTransactionContext()))[0]!.v;
        await applyMigration(em, orm, 'down');
        seen.tableAfterDown = await query("to_regclass('idempotency_keys') is not null");
        await applyMigration(em, orm, 'up');
        seen.tableAfterUp = await query("to_regclass('idempotency_keys') is not null");
        seen.index = await query("to_regclass('idempotency_keys_created_at_idx') is not null");
        seen.primaryKey = await query(
          "select string_agg(a.attname, ',' order by k.n) from pg_index i cross join unnest(i.indkey) with ordinality as k(attnum, n) join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum where i.indrelid = 'idempotency_keys'::regclass and i.indisprimary",
        );
        await em
          .getConnection()
          .execute("insert into idempotency_keys (scope, key, fingerprint) values ('s', 'bad key', 'f')", [], 'run', em.getTransactionContext())
          .then(
            () => (seen.badKey = 'accepted'),
            (error: { constraint?: string }) => (seen.badKey = error.constraint),
          );
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(seen).to.deep.equal({
      tableAfterDown: false,
      tableAfterUp: true,
      index: true,
      primaryKey: 'scope,key',
      badKey: 'idempotency_keys_key_format',
    });
  });
});
