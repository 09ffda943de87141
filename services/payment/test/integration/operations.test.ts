import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { ConfigError, createLogger } from '@commerce/shared';
import { runNode } from '@commerce/shared/testing';
import { loadPaymentConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { migrations } from '../../src/migrations.js';
import { PAYMENT_COMMANDS_QUEUE } from '../../src/messaging/payment-commands-consumer.js';
import { createProvider } from '../../src/provider/index.js';
import { migrateTestDatabase, testConfig } from '../support/harness.js';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

describe('payment migrations, migrate step and provider choice', () => {
  const config = testConfig();
  let db: pg.Client;
  before(async () => {
    await migrateTestDatabase(config);
    db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
  });
  after(() => db.end());

  const tables = async () => (await db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename);
  const columns = async () =>
    (await db.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'payments'`)).rows.map((r) => r.column_name);

  it('when the refunds and late-charge migrations are reverted and applied again, then its columns and indexes go and come back', async () => {
    const orm = await openDatabase(config.DATABASE_URL, createLogger('payment-test', 'error'));
    try {
      const migrator = orm.getMigrator();
      await migrator.down({ to: 'Migration20261125210002IdempotencyKeys' });
      expect(await columns()).not.to.include.members(['deadline']);
      expect(await columns()).not.to.include('order_cancelled_at');
      expect(await columns()).not.to.include('charge_in_doubt');
      await migrator.up();
      expect(await columns()).to.include.members(['deadline', 'order_cancelled_at', 'order_cancel_reason', 'refund_reason', 'refund_reference', 'charge_in_doubt']);
      const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'payments'`)).rows.map((r) => r.indexname);
      expect(indexes).to.include.members(['payments_pending_deadline', 'payments_refund_owed', 'payments_charge_in_doubt', 'payments_customer_created', 'payments_created']);
    } finally {
      await orm.close();
    }
  });

  it('when every migration is reverted and applied again, then the schema goes away and comes back whole', async () => {
    const orm = await openDatabase(config.DATABASE_URL, createLogger('payment-test', 'error'));
    try {
      const migrator = orm.getMigrator();
      await migrator.down({ to: 0 });
      expect(await tables()).to.deep.equal(['mikro_orm_migrations']);
      const applied = await migrator.up();
      expect(applied.map((m) => m.name)).to.deep.equal(migrations.map((m) => m.name));
      expect(await tables()).to.include.members(['payments', 'payment_history', 'order_cancellations', 'outbox', 'inbox', 'idempotency_keys']);
    } finally {
      await orm.close();
    }
  });

  it('when migrate up runs, then payment.commands is declared (with the order.order.cancelled binding the service consumes)', () => {
    const run = runNode(serviceDir, 'src/cli/migrate.ts', ['up'], process.env);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`queue ${PAYMENT_COMMANDS_QUEUE} declared`);
  });

  it('when PAYMENT_PROVIDER is not set, then the sandbox is used; an unknown one is a clear configuration error, and the service refuses to start', () => {
    expect(config.PAYMENT_PROVIDER).to.equal('sandbox');
    expect(createProvider(config).name).to.equal('sandbox');
    expect(() => loadPaymentConfig({ ...process.env, PAYMENT_PROVIDER: 'stripe' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.contains('PAYMENT_PROVIDER');
    expect(() => createProvider({ PAYMENT_PROVIDER: 'stripe', SANDBOX_SLOW_MS: 1 }))
      .to.throw(ConfigError)
      .with.property('message', 'Invalid configuration: PAYMENT_PROVIDER "stripe" is not a known payment provider (known: sandbox)');
    const run = runNode(serviceDir, 'src/main.ts', [], { ...process.env, PAYMENT_PROVIDER: 'stripe' });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain('payment service failed to start').and.contain('PAYMENT_PROVIDER');
  });
});
