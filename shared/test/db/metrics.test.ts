import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createOrm, type MikroORM } from '../../src/db/orm.js';
import { observeDatabase, operationOf } from '../../src/db/metrics.js';
import { messagingEntities } from '../../src/messaging/index.js';
import { startService, type ServiceConfig } from '../../src/service.js';
import { openMessagingOrm } from '../support/database.js';
import { AMQP_URL, DATABASE_URL } from '../support/env.js';
import { quietLogger } from '../support/logger.js';
import { sampleOf } from '../support/metrics.js';

const openOrm = (poolMax: number) => createOrm({ url: DATABASE_URL, entities: messagingEntities, migrations: [], logger: quietLogger(), poolMax });

describe('observeDatabase: query and pool metrics of a MikroORM', () => {
  let orm: MikroORM;
  let registry: Registry;
  const sample = async (name: string, labels: Record<string, string> = {}) => sampleOf(await registry.metrics(), name, labels) ?? 0;
  const execute = (sql: string) => orm.em.fork().getConnection().execute(sql);

  // The update below needs the outbox table, which a fresh test database has only once migrated.
  before(async () => (await openMessagingOrm()).close());

  beforeEach(async () => {
    registry = new Registry();
    orm = await openOrm(1);
    observeDatabase(orm, registry);
  });

  afterEach(() => orm.close());

  it('when a query runs, then it is counted and timed by its operation, also inside a transaction and when it fails', async () => {
    await execute('select 1');
    await orm.em.fork().transactional((em) => em.getConnection().execute('update outbox set attempts = attempts where false', [], 'run', em.getTransactionContext()));
    await execute('select no_such_column').catch(() => undefined);

    expect(await sample('db_queries_total', { operation: 'select' })).to.equal(2);
    expect(await sample('db_query_duration_seconds_count', { operation: 'select' })).to.equal(2);
    expect(await sample('db_queries_total', { operation: 'update' })).to.equal(1);
    expect(await sample('db_query_duration_seconds_count', { operation: 'update' })).to.equal(1);
    expect(await sample('db_slow_queries_total', { operation: 'select' })).to.equal(0);
  });

  it('when a query takes over a second, then it counts as slow and lands above the 1 s bucket', async () => {
    await execute('select 1');
    await execute('select pg_sleep(1.1)');

    expect(await sample('db_slow_queries_total', { operation: 'select' })).to.equal(1);
    expect(await sample('db_query_duration_seconds_count', { operation: 'select' })).to.equal(2);
    expect(await sample('db_query_duration_seconds_bucket', { operation: 'select', le: '1' })).to.equal(1);
    expect(await sample('db_query_duration_seconds_bucket', { operation: 'select', le: '2.5' })).to.equal(2);
  });

  it('when the one connection is held and another caller waits, then the pool gauges say so', async () => {
    expect(await sample('db_pool_max')).to.equal(1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inTransaction!: () => void;
    const entered = new Promise<void>((resolve) => (inTransaction = resolve));
    const transaction = orm.em.fork().transactional(async () => {
      inTransaction();
      await held;
    });
    await entered;
    const waiting = execute('select 1');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await sample('db_pool_connections', { state: 'used' })).to.equal(1);
    expect(await sample('db_pool_connections', { state: 'pending' })).to.equal(1);
    release();
    await transaction;
    await waiting;
    expect(await sample('db_pool_connections', { state: 'used' })).to.equal(0);
    expect(await sample('db_pool_connections', { state: 'free' })).to.equal(1);
    expect(await sample('db_pool_connections', { state: 'pending' })).to.equal(0);
  });

  it('operationOf names the statement by its first keyword', () => {
    expect(['SELECT 1', '  insert into t values (1)', 'update t set a = 1', 'delete from t', '(select 1) union (select 2)', 'with x as (select 1) select * from x', 'truncate t'].map(operationOf))
      .to.deep.equal(['select', 'insert', 'update', 'delete', 'select', 'other', 'other']);
  });
});

describe('startService: every service gets the database metrics', () => {
  it('when the readiness check has queried the database, then /metrics shows the query and the pool', async () => {
    const config: ServiceConfig = {
      NODE_ENV: 'test', LOG_LEVEL: 'error', PORT: 0, DATABASE_URL, AMQP_URL, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1',
      CORS_ORIGINS: '', TRUST_PROXY: 'loopback', RATE_LIMIT_PER_MINUTE: 1_000_000, SHUTDOWN_TIMEOUT_MS: 5_000,
    };
    const service = await startService({ name: 'customer', config, openDatabase: () => openOrm(2), wire: () => ({ routes: () => undefined }) });
    try {
      await fetch(`${service.url}/health/ready`);
      const text = await (await fetch(`${service.url}/metrics`)).text();
      expect(sampleOf(text, 'db_queries_total', { operation: 'select', service: 'customer' })).to.be.greaterThan(0);
      expect(sampleOf(text, 'db_pool_max', { service: 'customer' })).to.equal(2);
    } finally {
      await service.close();
    }
  });
});
