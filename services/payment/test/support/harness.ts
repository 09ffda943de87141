import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createBus, createEnvelope, createLogger, type Bus, type Envelope } from '@commerce/shared';
import { ApiClient, deleteRedisKeys, eventually, purgeQueue, testTokens, truncateTables, waitForConsumer } from '@commerce/shared/testing';
import { loadPaymentConfig, type PaymentConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { SandboxProvider } from '../../src/provider/sandbox.js';
import { startPaymentService, type RunningService } from '../../src/service.js';
import { PAYMENT_COMMANDS_QUEUE } from '../../src/messaging/payment-commands-consumer.js';

export interface Harness {
  api: ApiClient;
  service: RunningService;
  config: PaymentConfig;
  db: pg.Pool;
  /** The provider the service uses: the tests read its charge and refund counts. */
  sandbox: SandboxProvider;
  customerToken: (customerId?: string) => string;
  adminToken: () => string;
  /** A bus of the test's own, to send commands as the order service would, on the real broker. */
  bus: Bus;
  /** Sends a message (a new envelope, or `envelope` again to simulate a redelivery). */
  send: (type: string, data: Record<string, unknown>) => Promise<Envelope>;
  resend: (envelope: Envelope) => Promise<void>;
}

/** Every table, truncated after each test. */
export const TABLES = 'payments, payment_history, order_cancellations, idempotency_keys, outbox, inbox';

/** Tokens of the test's own key (the payment service only verifies tokens; see the kit's testTokens). */
const tokens = testTokens('payment-test-key');
export const testKeyResolver = tokens.keyResolver;
export const signToken = tokens.sign;

export function testConfig(env: Record<string, string> = {}): PaymentConfig {
  return loadPaymentConfig({
    ...process.env,
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'error',
    // A quick sweeper, so the tests see a stuck payment settled within a second or two.
    PAYMENT_SWEEP_INTERVAL_MS: '200',
    PAYMENT_STUCK_GRACE_MS: '500',
    PAYMENT_PROVIDER_TIMEOUT_MS: '2000',
    ...env,
  });
}

/** Migrates the test database (idempotent). */
export async function migrateTestDatabase(config: PaymentConfig) {
  const orm = await openDatabase(config.DATABASE_URL, createLogger('payment-test', 'error'));
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
}

let shared: Promise<Harness> | undefined;

/** One service for the whole run (started on first use, closed by the root after hook below). */
function startShared(slowMs: number): Promise<Harness> {
  return (shared ??= (async () => {
    const h = {} as Harness;
    h.config = testConfig();
    await migrateTestDatabase(h.config);
    h.db = new pg.Pool({ connectionString: h.config.DATABASE_URL, max: 4 });
    await wipe(h.db);
    await purgeQueue(h.config.AMQP_URL, PAYMENT_COMMANDS_QUEUE);
    h.sandbox = new SandboxProvider({ slowMs });
    h.service = await startPaymentService(h.config, { port: 0, keyResolver: testKeyResolver, provider: h.sandbox, retryDelaysMs: [20, 40] });
    h.api = new ApiClient(h.service.url);
    await eventually(async () => {
      if ((await h.api.get('/health/ready')).status !== 200) throw new Error('payment service not ready');
    }, { timeoutMs: 15_000 });
    h.customerToken = (customerId = randomUUID()) => signToken(customerId, 'customer');
    h.adminToken = () => signToken(randomUUID(), 'admin');
    await waitForConsumer(h.config.AMQP_URL, PAYMENT_COMMANDS_QUEUE);
    h.bus = createBus({ url: h.config.AMQP_URL, service: 'payment-test', logger: createLogger('payment-test', 'error') });
    await h.bus.waitForConnection(15_000);
    h.send = async (type, data) => {
      const envelope = createEnvelope({ type, data }) as Envelope;
      await h.bus.publish(envelope);
      return envelope;
    };
    h.resend = (envelope) => h.bus.publish(envelope);
    return h;
  })());
}

after(async () => {
  if (!shared) return;
  const h = await shared;
  await h.bus?.close();
  await h.service?.close();
  await h.db?.end();
});

/**
 * The real service (real Postgres, RabbitMQ, Redis from the test environment), migrated, with a
 * sandbox provider of the test's own (tok_slow answers in 300 ms), shared by every describe block
 * of the run (starting and stopping one per block made the broker consumer's return flaky), and
 * its tables wiped after every test.
 */
export function usePaymentService(): Harness {
  const h = {} as Harness;
  before(async () => {
    Object.assign(h, await startShared(300));
  });
  afterEach(() => wipe(h.db));
  return h;
}

export async function wipe(db: pg.Pool) {
  // Retried on deadlock: the sweeper or a message from another suite may hold a row meanwhile.
  await truncateTables(db, TABLES);
  await deleteRedisKeys(testConfig().REDIS_URL, 'rl:payment:*');
}

/** The answer events of an order in the outbox, oldest first. */
export async function answersFor(h: Harness, orderId: string) {
  const { rows } = await h.db.query<{ payload: { type: string; data: Record<string, unknown>; correlationId: string } }>(
    `select payload from outbox where payload->'data'->>'orderId' = $1 order by seq`,
    [orderId],
  );
  return rows.map((r) => r.payload);
}

export async function paymentOf(h: Harness, orderId: string) {
  const { rows } = await h.db.query<{ id: string; status: string; provider_reference: string | null; failure_reason: string | null }>(
    'select id, status, provider_reference, failure_reason from payments where order_id = $1',
    [orderId],
  );
  return rows;
}

export async function historyOf(h: Harness, paymentId: string) {
  const { rows } = await h.db.query<{ from_status: string | null; to_status: string; reason: string | null }>(
    'select from_status, to_status, reason from payment_history where payment_id = $1 order by id',
    [paymentId],
  );
  return rows;
}

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A payment.authorize-payment command as the order service sends it. */
export const authorizeCommand = (token: string, overrides: Partial<{ orderId: string; customerId: string; amountCents: number; deadline: string }> = {}) => ({
  orderId: randomUUID(),
  customerId: randomUUID(),
  amountCents: 5148,
  currency: 'USD',
  paymentToken: token,
  deadline: inSeconds(10),
  ...overrides,
});

/** Sends an authorize command and waits until its payment is no longer pending; returns the payment id. */
export async function settledPayment(h: Harness, token = 'tok_visa', overrides: Parameters<typeof authorizeCommand>[1] = {}) {
  const cmd = authorizeCommand(token, overrides);
  await h.send('payment.authorize-payment', cmd);
  const row = await eventually(async () => {
    const [found] = await paymentOf(h, cmd.orderId);
    if (!found || found.status === 'pending') throw new Error('payment not settled yet');
    return found;
  });
  return { ...cmd, paymentId: row.id, status: row.status };
}

/** The events of a type in the outbox for an order (what the relay publishes), oldest first. */
export async function eventsOf(h: Harness, orderId: string, type: string) {
  return (await answersFor(h, orderId)).filter((a) => a.type === type);
}

/** The value of a series on /metrics: `name` plus, optionally, one label pair such as `outcome="timeout"`. */
export async function metricValue(h: Harness, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`${h.service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
