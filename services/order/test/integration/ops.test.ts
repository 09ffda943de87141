import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import amqp from 'amqplib';
import { createLogger } from '@commerce/shared';
import { eventually, runNode, runNodeAsync } from '@commerce/shared/testing';
import { openDatabase } from '../../src/database.js';
import { migrations } from '../../src/migrations.js';
import { ORDER_SAGA_QUEUE } from '../../src/messaging/saga-consumer.js';
import { confirmed, migrateTestDatabase, testConfig, useOrderService } from '../support/harness.js';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

describe('order operations: readiness, metrics, contract', () => {
  const h = useOrderService();

  it('when asked, then live and ready are 200, /openapi.json is the order contract, /metrics has the order and saga families', async () => {
    expect((await h.api.get('/health/live')).status).to.equal(200);
    const ready = await h.api.get('/health/ready');
    expect(ready.status).to.equal(200);
    expect(JSON.stringify(ready.body)).to.contain('database').and.contain('broker');
    const spec = await h.api.get<{ info: { title: string }; paths: Record<string, unknown> }>('/openapi.json');
    expect(spec.body.info.title).to.equal('Order service API');
    expect(Object.keys(spec.body.paths)).to.include('/api/v1/orders/{orderId}/cancel');
    await confirmed(h);
    const metrics = (await h.api.get<string>('/metrics')).body;
    for (const name of ['orders_created_total', 'orders_confirmed_total', 'orders_cancelled_total']) expect(metrics).to.contain(`# TYPE ${name} counter`);
    expect(metrics).to.contain('# TYPE sagas_stuck gauge');
    expect(metrics).to.contain('# TYPE saga_step_duration_seconds histogram');
    expect(metrics).to.match(/^saga_step_duration_seconds_count\{(?=[^}]*step="reserving_stock")(?=[^}]*outcome="authorizing_payment")[^}]*\} [1-9]/m);
    expect(metrics).to.match(/^orders_confirmed_total\{[^}]*\} [1-9]/m);
  });
});

describe('order migrations and operator commands', function () {
  // Child processes (tsx) are slow to start on a loaded machine.
  this.timeout(60_000);
  const h = useOrderService();
  const config = testConfig();
  let db: pg.Client;
  before(async () => {
    // The run's service would consume the queue and query the tables these tests take away.
    await h.stop();
    await migrateTestDatabase(config);
    db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
  });
  after(async () => {
    await db.end();
    await h.start();
  });

  const tablesOf = async () => (await db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename);

  it('when every migration is reverted and applied again, then the schema goes away and comes back whole', async () => {
    const orm = await openDatabase(config.DATABASE_URL, createLogger('order-test', 'error'));
    try {
      const migrator = orm.getMigrator();
      await migrator.down({ to: 0 });
      expect(await tablesOf()).to.deep.equal(['mikro_orm_migrations']);
      const applied = await migrator.up();
      expect(applied.map((m) => m.name)).to.deep.equal(migrations.map((m) => m.name));
      expect(await tablesOf()).to.include.members(['orders', 'sagas', 'order_history', 'outbox', 'inbox', 'idempotency_keys']);
      const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename in ('orders', 'sagas')`)).rows.map((r) => r.indexname);
      expect(indexes).to.include.members(['orders_customer_created', 'orders_created', 'orders_status_created', 'sagas_working_deadline']);
    } finally {
      await orm.close();
    }
  });

  it('when a saga row keeps a token past reserving_stock, or a working saga has no deadline, then the database refuses it', async () => {
    const orderId = '00000000-0000-4000-8000-000000000001';
    await db.query('truncate orders cascade');
    await db.query(
      `insert into orders (id, customer_id, cart_id, status, payment_status, items, total_cents, currency, shipping_address, created_at, updated_at)
       values ($1, $1, $1, 'pending', 'pending', '[]', 0, 'USD', '{}', now(), now())`,
      [orderId],
    );
    const insert = (state: string, deadline: string | null, token: string | null) =>
      db.query(`insert into sagas (order_id, state, step_started_at, step_deadline, attempts, payment_token, updated_at) values ($1, $2, now(), $3, 0, $4, now())`, [orderId, state, deadline, token]).then(
        () => null,
        (e: unknown) => (e as { code?: string }).code,
      );
    expect(await insert('authorizing_payment', new Date().toISOString(), 'tok_visa')).to.equal('23514');
    expect(await insert('reserving_stock', null, 'tok_visa')).to.equal('23514');
    expect(await insert('completed', new Date().toISOString(), null)).to.equal('23514');
    expect(await insert('reserving_stock', new Date().toISOString(), 'tok_visa')).to.equal(null);
    await db.query('truncate orders cascade');
  });

  it('when migrate up runs before the service ever started, then order.saga exists and keeps what is published meanwhile', async () => {
    const connection = await amqp.connect(config.AMQP_URL);
    try {
      const channel = await connection.createChannel();
      for (const name of [ORDER_SAGA_QUEUE, `${ORDER_SAGA_QUEUE}.retry.1`, `${ORDER_SAGA_QUEUE}.retry.2`, `${ORDER_SAGA_QUEUE}.retry.3`, `${ORDER_SAGA_QUEUE}.dlq`]) await channel.deleteQueue(name);
      const run = await runNodeAsync(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`queue ${ORDER_SAGA_QUEUE} declared`);
      // Other suites publish on this vhost too: look for this very message, not for a count.
      const marker = randomUUID();
      channel.publish('commerce.events', 'cart.cart.checked-out', Buffer.from(JSON.stringify({ marker })));
      await eventually(async () => {
        for (;;) {
          const message = await channel.get(ORDER_SAGA_QUEUE, { noAck: true });
          if (!message) throw new Error('the message is not in order.saga');
          if (message.content.toString('utf8').includes(marker)) return;
        }
      });
      await channel.purgeQueue(ORDER_SAGA_QUEUE);
    } finally {
      await connection.close();
    }
  });

  it('when migrate up runs twice, then the second applies nothing; an unknown direction is refused; a missing JWKS_URL stops the service', () => {
    runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    const second = runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('order: applied 0 migration(s)');
    expect(runNode(serviceDir, 'src/cli/migrate.ts', ['sideways'], process.env).status).to.equal(2);
    const { JWKS_URL: _dropped, ...env } = process.env;
    const missing = runNode(serviceDir, 'src/main.ts', [], env);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/JWKS_URL is missing/);
  });
});
