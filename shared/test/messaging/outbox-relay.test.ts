import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { EntityManager, MikroORM } from '../../src/db/orm.js';
import { Outbox, OutboxRelay, type Bus, type OutboxRelayOptions } from '../../src/messaging/index.js';
import { TestBroker } from '../support/broker.js';
import { collect, openTestBus, withFaults } from '../support/bus.js';
import { countRows, openMessagingOrm, truncateMessagingTables } from '../support/database.js';
import { DATABASE_URL } from '../support/env.js';
import { runWithContext } from '../../src/logging/context.js';
import { captureLogger, quietLogger } from '../support/logger.js';
import { ORDER_PLACED, createTestSchemas } from '../support/schemas.js';
import { sleep, waitFor } from '../support/wait.js';

/** A state change of the test "service": its own table, written in the same transaction as the outbox row. */
const ORDERS_TABLE = 'messaging_test_orders';

describe('transactional outbox and relay', () => {
  const fixture = createTestSchemas();
  const outbox = new Outbox(fixture.schemas);
  let orm: MikroORM;
  let broker: TestBroker;
  let bus: Bus;
  let relays: OutboxRelay[] = [];

  const startRelay = async (options: Partial<OutboxRelayOptions> = {}) => {
    const relay = new OutboxRelay({ databaseUrl: DATABASE_URL, bus, logger: quietLogger(), ...options });
    relays.push(relay);
    await relay.start();
    return relay;
  };

  /** The use case under test: insert an order and announce it, in one transaction. */
  const placeOrder = (amount: number, em: EntityManager = orm.em.fork()) =>
    em.transactional(async (tx) => {
      const orderId = randomUUID();
      await tx.getConnection().execute(`insert into ${ORDERS_TABLE} (id, amount) values (?, ?)`, [orderId, amount], 'run', tx.getTransactionContext());
      return outbox.add(tx, { type: ORDER_PLACED, data: { orderId, amount } });
    });

  before(async () => {
    orm = await openMessagingOrm();
    await orm.em.fork().getConnection().execute(`create table if not exists ${ORDERS_TABLE} (id uuid primary key, amount int not null)`);
  });
  beforeEach(async () => {
    await truncateMessagingTables(orm);
    await orm.em.fork().getConnection().execute(`truncate ${ORDERS_TABLE}`);
    broker = new TestBroker();
    bus = await openTestBus(broker, { schemas: fixture.schemas });
  });
  afterEach(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    relays = [];
    await bus.close();
    await broker.cleanup();
  });
  after(async () => {
    await truncateMessagingTables(orm);
    await orm.em.fork().getConnection().execute(`drop table if exists ${ORDERS_TABLE}`);
    await orm.close();
    fixture.remove();
  });

  it('when a state change commits while no relay runs, then the relay publishes it once it starts, exactly once', async () => {
    const received = await collect(bus, broker, [ORDER_PLACED]);
    const sent = await placeOrder(10);
    await sleep(100);
    expect(received).to.have.length(0);

    await startRelay();
    await waitFor('the message', () => received.length === 1);
    expect(received[0]).to.deep.equal(sent);
    await waitFor('the row marked published', async () => (await countRows(orm, 'select 1 from outbox where published_at is not null')) === 1);
    const rows = await orm.em.fork().getConnection().execute<{ published_at: string | null; attempts: number }[]>('select published_at, attempts from outbox');
    expect(rows).to.have.length(1);
    expect(rows[0]!.published_at).not.to.equal(null);
    expect(rows[0]!.attempts).to.equal(1);
    await sleep(200);
    expect(received).to.have.length(1);
  });

  it('when a row is written while a request is handled, then the relay publishes that request\'s trace and correlation, and logs them', async () => {
    const received = await collect(bus, broker, [ORDER_PLACED]);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const sent = await runWithContext({ traceId, spanId: '00f067aa0ba902b7', correlationId: 'checkout-1' }, () => placeOrder(3));
    const { logger, lines } = captureLogger();
    await startRelay({ logger });
    await waitFor('the message', () => received.length === 1);
    expect(received[0]).to.include({ messageId: sent.messageId, traceId, correlationId: 'checkout-1' });
    await waitFor('the published line', () => lines.find((l) => l.message === 'message published'));
    expect(lines.find((l) => l.message === 'message published')).to.include({ messageId: sent.messageId, type: ORDER_PLACED, traceId, correlationId: 'checkout-1' });
  });

  it('when the transaction rolls back, then neither the state change nor its message exists', async () => {
    const received = await collect(bus, broker, [ORDER_PLACED]);
    await startRelay();
    const failure = await orm.em
      .fork()
      .transactional(async (tx) => {
        await tx.getConnection().execute(`insert into ${ORDERS_TABLE} (id, amount) values (?, ?)`, [randomUUID(), 1], 'run', tx.getTransactionContext());
        outbox.add(tx, { type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });
        throw new Error('payment declined');
      })
      .catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(Error).with.property('message', 'payment declined');

    // A later commit is published: the relay did run after the rollback, and found nothing else.
    const committed = await placeOrder(20);
    await waitFor('the committed message', () => received.length === 1);
    await sleep(100);
    expect(received.map((e) => e.messageId)).to.deep.equal([committed.messageId]);
    expect(await countRows(orm, `select 1 from ${ORDERS_TABLE} where amount = 1`)).to.equal(0);
    expect(await countRows(orm, 'select 1 from outbox')).to.equal(1);
  });

  it('when a row commits, then NOTIFY wakes the relay long before its safety poll', async () => {
    const received = await collect(bus, broker, [ORDER_PLACED]);
    await startRelay({ pollIntervalMs: 30_000 });
    await sleep(100); // let the start-up round find the outbox empty

    const started = Date.now();
    const sent = await placeOrder(5);
    await waitFor('the message', () => received.length === 1, 3_000, 5);
    const elapsed = Date.now() - started;
    expect(received[0]!.messageId).to.equal(sent.messageId);
    expect(elapsed, `commit to consumer took ${elapsed} ms`).to.be.below(1_000);
  });

  it('when the LISTEN connection drops, then the relay listens again and NOTIFY wakes it as before', async () => {
    const { logger, lines } = captureLogger('info');
    const received = await collect(bus, broker, [ORDER_PLACED]);
    await startRelay({ pollIntervalMs: 30_000, logger });
    await sleep(100);

    const killed = await orm.em
      .fork()
      .getConnection()
      .execute<{ n: number }[]>("select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and application_name = 'outbox-relay-listen'");
    expect(killed[0]!.n).to.equal(1);
    await waitFor('the drop noticed', () => lines.some((l) => l.message === 'outbox relay lost its LISTEN connection; reconnecting'));
    await waitFor('listening again', async () => (await countRows(orm, "select 1 from pg_stat_activity where datname = current_database() and application_name = 'outbox-relay-listen'")) === 1);

    const started = Date.now();
    await placeOrder(3);
    await waitFor('the message', () => received.length === 1, 3_000, 5);
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('when two relays share one outbox, then each row is published exactly once', async function () {
    this.timeout(30_000);
    const received = await collect(bus, broker, [ORDER_PLACED]);
    const before = await Promise.all(Array.from({ length: 150 }, (_, i) => placeOrder(i)));
    await Promise.all([startRelay({ batchSize: 10 }), startRelay({ batchSize: 10 })]);
    const during = await Promise.all(Array.from({ length: 150 }, (_, i) => placeOrder(1000 + i)));
    const sent = [...before, ...during];

    await waitFor('all messages', () => received.length >= sent.length, 20_000);
    await sleep(300);
    const ids = received.map((e) => e.messageId);
    expect(ids).to.have.length(sent.length);
    expect(new Set(ids).size).to.equal(sent.length);
    expect(new Set(ids)).to.deep.equal(new Set(sent.map((e) => e.messageId)));
    await waitFor('every row marked published', async () => (await countRows(orm, 'select 1 from outbox where published_at is null')) === 0);
    expect(await countRows(orm, 'select 1 from outbox where attempts <> 1')).to.equal(0);
  });

  it('when publishing fails, then the row keeps its attempts and last error, shows in the backlog gauges, and is published later', async () => {
    const received = await collect(bus, broker, [ORDER_PLACED]);
    let brokerDown = true;
    const flaky = withFaults(bus, { publish: (envelope) => (brokerDown ? Promise.reject(new Error('simulated nack')) : bus.publish(envelope)) });
    const registry = new Registry();
    await startRelay({ bus: flaky, registry });
    const sent = await placeOrder(1);

    const row = await waitFor('a failed attempt', async () => {
      const rows = await orm.em.fork().getConnection().execute<{ attempts: number; last_error: string | null; published_at: string | null }[]>('select attempts, last_error, published_at from outbox');
      return rows[0] && rows[0].attempts >= 1 ? rows[0] : undefined;
    });
    expect(row).to.include({ last_error: 'simulated nack', published_at: null });
    const gauges = await registry.getMetricsAsJSON();
    const value = (name: string) => gauges.find((m) => m.name === name)?.values[0]?.value;
    expect(value('messaging_outbox_backlog')).to.equal(1);
    expect(value('messaging_outbox_oldest_age_seconds')).to.be.greaterThan(0);

    brokerDown = false;
    await waitFor('the message after the broker recovered', () => received.length === 1);
    expect(received[0]!.messageId).to.equal(sent.messageId);
    // The relay commits after the confirm, so the consumer may be first: wait for the mark.
    await waitFor('the row marked published', async () => (await countRows(orm, 'select 1 from outbox where published_at is not null and last_error is null')) === 1);
  });

  it('when published rows are older than the retention, then housekeeping deletes them and keeps the unpublished', async () => {
    await placeOrder(1);
    const relay = await startRelay({ retentionMs: 1, purgeIntervalMs: 50 });
    await waitFor('the published row purged', async () => (await countRows(orm, 'select 1 from outbox')) === 0);
    await relay.stop();
    await placeOrder(2); // no relay running: stays unpublished
    await startRelay({ bus: withFaults(bus, { isConnected: () => false }), retentionMs: 1, purgeIntervalMs: 50 });
    await sleep(200);
    expect(await countRows(orm, 'select 1 from outbox where published_at is null')).to.equal(1);
  });
});
