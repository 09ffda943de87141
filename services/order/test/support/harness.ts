import { randomUUID } from 'node:crypto';
import pg from 'pg';
import amqp from 'amqplib';
import { BrokerUnavailableError, DEFAULT_EXCHANGE, createBus, createEnvelope, createLogger, type Bus, type Envelope } from '@commerce/shared';
import { ApiClient, deleteRedisKeys, eventually, purgeQueue, testTokens, truncateTables, waitForConsumer } from '@commerce/shared/testing';
import { loadOrderConfig, type OrderConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { ORDER_SAGA_QUEUE, ORDER_SAGA_TYPES } from '../../src/messaging/saga-consumer.js';
import { startOrderService, type RunningService } from '../../src/service.js';

/** What the order service sends: the capture queue is bound to these. */
export const OUTGOING = [
  'catalog.reserve-stock',
  'catalog.commit-stock',
  'catalog.release-stock',
  'catalog.restock',
  'payment.authorize-payment',
  'payment.refund-payment',
  'order.order.confirmed',
  'order.order.cancelled',
  'order.order.shipped',
  'order.order.delivered',
] as const;

type Data = Record<string, unknown>;

export interface Harness {
  api: ApiClient;
  service: RunningService;
  config: OrderConfig;
  db: pg.Pool;
  customerToken: (customerId?: string) => string;
  adminToken: () => string;
  /** A bus of the test's own, to publish the other services' messages on the real broker. */
  bus: Bus;
  publish: (type: string, data: Data) => Promise<Envelope>;
  /** Publishes the same envelope again: a redelivery, same messageId. */
  resend: (envelope: Envelope) => Promise<void>;
  /** Every message the service published (read from a test queue bound to OUTGOING), oldest first. */
  captured: Envelope[];
  /** Stops and starts the service again (same config), e.g. to show a saga resumes after a restart. */
  restart: (between?: () => Promise<void>) => Promise<void>;
  /** Stops the service (for a block that needs it gone, e.g. to migrate down); `start` brings it back. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

/** Every table, truncated after each test. */
export const TABLES = 'orders, sagas, order_history, idempotency_keys, outbox, inbox';

const tokens = testTokens('order-test-key');
export const testKeyResolver = tokens.keyResolver;
export const signToken = tokens.sign;

/** Step timeouts short enough to watch the sweeper act in a test, long enough not to race a test driving the steps. */
export const TEST_ENV = {
  ORDER_STOCK_STEP_TIMEOUT_MS: '2500',
  ORDER_PAYMENT_STEP_TIMEOUT_MS: '3000',
  ORDER_RESERVE_ATTEMPTS: '2',
  ORDER_SAGA_SWEEP_INTERVAL_MS: '200',
  ORDER_SAGA_STUCK_GRACE_MS: '1000',
};

export function testConfig(env: Record<string, string> = {}): OrderConfig {
  return loadOrderConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: process.env.ORDER_TEST_LOG_LEVEL ?? 'error', ...TEST_ENV, ...env });
}

/** Migrates the test database (idempotent). */
export async function migrateTestDatabase(config: OrderConfig) {
  const orm = await openDatabase(config.DATABASE_URL, createLogger('order-test', 'error'));
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
}

/**
 * The exchange of these tests. The test vhost is shared with every other suite: on the kit's
 * exchange the catalog and payment services of a suite running at the same time would answer this
 * service's commands (and this one would take the cart suite's checkouts). On an exchange of their
 * own, the answers are exactly the ones the tests publish.
 */
export const TEST_EXCHANGE = 'commerce.events.order-test';

/** Takes order.saga off the kit's exchange (the migrate step binds it there), so nothing of other suites reaches it. */
export async function isolateQueue(url: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    for (const type of ORDER_SAGA_TYPES) await channel.unbindQueue(ORDER_SAGA_QUEUE, DEFAULT_EXCHANGE, type).catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

let shared: Promise<Harness> | undefined;
let capture: { connection: amqp.ChannelModel | undefined; closed: boolean } | undefined;

/** The capture queue: durable, so what the service publishes while the broker restarts is still captured afterwards. */
const CAPTURE_QUEUE = 'order-test.capture';

/** Consumes the capture queue into `into`, and again after the broker dropped the connection. */
async function startCapture(url: string, into: Envelope[], first = true): Promise<void> {
  capture ??= { connection: undefined, closed: false };
  const connection = await amqp.connect(url);
  capture.connection = connection;
  const channel = await connection.createChannel();
  await channel.assertExchange(TEST_EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(CAPTURE_QUEUE, { durable: true });
  if (first) await channel.purgeQueue(CAPTURE_QUEUE);
  for (const type of OUTGOING) await channel.bindQueue(CAPTURE_QUEUE, TEST_EXCHANGE, type);
  await channel.consume(CAPTURE_QUEUE, (msg) => msg && into.push(JSON.parse(msg.content.toString('utf8')) as Envelope), { noAck: true });
  connection.on('error', () => undefined);
  connection.on('close', () => {
    const retry = () => {
      if (capture?.closed) return;
      startCapture(url, into, false).catch(() => setTimeout(retry, 500));
    };
    retry();
  });
}

async function startService(h: Harness) {
  await isolateQueue(h.config.AMQP_URL);
  h.service = await startOrderService(h.config, { port: 0, keyResolver: testKeyResolver, exchange: TEST_EXCHANGE });
  h.api = new ApiClient(h.service.url);
  await eventually(async () => {
    if ((await h.api.get('/health/ready')).status !== 200) throw new Error('order service not ready');
  }, { timeoutMs: 15_000 });
  await waitForConsumer(h.config.AMQP_URL, ORDER_SAGA_QUEUE);
}

/** One service for the whole run (started on first use, closed by the root after hook below). */
function startShared(): Promise<Harness> {
  return (shared ??= (async () => {
    const h = { captured: [] as Envelope[] } as Harness;
    h.config = testConfig();
    await migrateTestDatabase(h.config);
    h.db = new pg.Pool({ connectionString: h.config.DATABASE_URL, max: 4 });
    await wipe(h.db);
    // Messages other suites left on the shared test vhost would be handled in the middle of a test.
    await purgeQueue(h.config.AMQP_URL, ORDER_SAGA_QUEUE);
    await startCapture(h.config.AMQP_URL, h.captured);
    await startService(h);
    h.customerToken = (customerId = randomUUID()) => signToken(customerId, 'customer');
    h.adminToken = () => signToken(randomUUID(), 'admin');
    h.bus = createBus({ url: h.config.AMQP_URL, service: 'order-test', logger: createLogger('order-test', 'error'), exchange: TEST_EXCHANGE });
    await h.bus.waitForConnection(15_000);
    // The broker is shared with the acceptance suite, whose outage test stops it for a while:
    // a publish waits for the connection to come back rather than failing the test.
    const publish = async (envelope: Envelope) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await h.bus.publish(envelope);
        } catch (error) {
          if (!(error instanceof BrokerUnavailableError) || attempt >= 3) throw error;
          await h.bus.waitForConnection(30_000);
        }
      }
    };
    h.publish = async (type, data) => {
      const envelope = createEnvelope({ type, data, correlationId: typeof data.orderId === 'string' ? data.orderId : undefined }) as Envelope;
      await publish(envelope);
      return envelope;
    };
    h.resend = publish;
    h.stop = () => h.service.close();
    h.start = () => startService(h);
    h.restart = async (between) => {
      await h.stop();
      await between?.();
      await h.start();
    };
    return h;
  })());
}

after(async () => {
  if (!shared) return;
  const h = await shared;
  await h.bus?.close();
  await h.service?.close();
  await h.db?.end();
  if (capture) capture.closed = true;
  await capture?.connection?.close().catch(() => undefined);
});

/**
 * The real service (real Postgres, RabbitMQ, Redis from the test environment), migrated, shared
 * by every describe block of the run, its tables wiped and the captured messages cleared after
 * every test.
 */
export function useOrderService(): Harness {
  const h = {} as Harness;
  before(async () => {
    const theShared = await startShared();
    Object.assign(h, theShared);
    // A restart replaces the service and its client: this block's copy follows.
    const follow = () => {
      h.service = theShared.service;
      h.api = theShared.api;
    };
    h.restart = async (between) => {
      await theShared.restart(between);
      follow();
    };
    h.start = async () => {
      await theShared.start();
      follow();
    };
  });
  afterEach(async () => {
    await wipe(h.db);
    h.captured.length = 0;
  });
  return h;
}

export async function wipe(db: pg.Pool) {
  await truncateTables(db, TABLES);
  await deleteRedisKeys(testConfig().REDIS_URL, 'rl:order:*');
}

// ---- the checkout as the cart sends it, and the answers as the catalog and payment send them ----

export interface Checkout {
  orderId: string;
  cartId: string;
  customerId: string;
  items: { productId: string; name: string; unitPriceCents: number; quantity: number }[];
  totalCents: number;
  currency: string;
  shippingAddress: { line1: string; line2: string | null; city: string; postalCode: string; country: string };
  paymentToken: string;
}

export function aCheckout(overrides: Partial<Checkout> = {}): Checkout {
  const items = overrides.items ?? [
    { productId: randomUUID(), name: 'Ceramic Mug', unitPriceCents: 1299, quantity: 2 },
    { productId: randomUUID(), name: 'Linen Tea Towel', unitPriceCents: 850, quantity: 3 },
  ];
  return {
    orderId: randomUUID(),
    cartId: randomUUID(),
    customerId: randomUUID(),
    items,
    totalCents: items.reduce((t, i) => t + i.unitPriceCents * i.quantity, 0),
    currency: 'USD',
    shippingAddress: { line1: '1 Market Street', line2: null, city: 'San Francisco', postalCode: '94105', country: 'US' },
    paymentToken: 'tok_visa',
    ...overrides,
  };
}

/**
 * The messages the service wrote for an order, of `type` if given, oldest first: read from its
 * outbox, so what a step sent is known the moment it commits, independent of the broker (which
 * other suites may restart). That they really reach the broker is shown by the capture queue.
 */
export async function sentFor(h: Harness, orderId: string, type?: string): Promise<Envelope[]> {
  const { rows } = await h.db.query<{ payload: Envelope }>(
    `select payload from outbox where payload->'data'->>'orderId' = $1 and ($2::text is null or type = $2) order by seq`,
    [orderId, type ?? null],
  );
  return rows.map((r) => r.payload);
}

/** Waits until the service has sent `count` messages of `type` for the order; returns them. */
export function waitForSent(h: Harness, orderId: string, type: string, count = 1): Promise<Envelope[]> {
  return eventually(async () => {
    const sent = await sentFor(h, orderId, type);
    if (sent.length < count) throw new Error(`${type} for ${orderId}: ${sent.length} of ${count} sent`);
    return sent;
  });
}

/** What reached the broker: the messages of the order the capture queue received, of `type` if given. */
export function capturedFor(h: Harness, orderId: string, type?: string): Envelope[] {
  return h.captured.filter((e) => (e.data as Data).orderId === orderId && (!type || e.type === type));
}

export interface OrderRow {
  status: string;
  payment_status: string;
  failure_reason: string | null;
  tracking_number: string | null;
  state: string;
  attempts: number;
  payment_token: string | null;
  step_deadline: Date | null;
}

export async function orderRow(h: Harness, orderId: string): Promise<OrderRow | undefined> {
  const { rows } = await h.db.query<OrderRow>(
    `select o.status, o.payment_status, o.failure_reason, o.tracking_number, s.state, s.attempts, s.payment_token, s.step_deadline
       from orders o join sagas s on s.order_id = o.id where o.id = $1`,
    [orderId],
  );
  return rows[0];
}

/** Waits until the order row matches `expected` (a subset of its columns). */
export function waitForOrder(h: Harness, orderId: string, expected: Partial<OrderRow>, timeoutMs = 15_000): Promise<OrderRow> {
  return eventually(async () => {
    const row = await orderRow(h, orderId);
    if (!row) throw new Error(`order ${orderId} not there yet`);
    for (const [key, value] of Object.entries(expected)) {
      if (row[key as keyof OrderRow] !== value) throw new Error(`order ${orderId}: ${key} is ${String(row[key as keyof OrderRow])}, expected ${String(value)} (saga ${row.state}, attempts ${row.attempts}, deadline ${row.step_deadline?.toISOString()})`);
    }
    return row;
  }, { timeoutMs });
}

export async function historyOf(h: Harness, orderId: string) {
  const { rows } = await h.db.query<{ kind: string; from_value: string | null; to_value: string; actor: string; reason: string | null }>(
    'select kind, from_value, to_value, actor, reason from order_history where order_id = $1 order by seq',
    [orderId],
  );
  return rows.map((r) => [r.kind, r.from_value, r.to_value, r.actor, r.reason]);
}

/** The answers, as the catalog and the payment service publish them. */
export const answers = (h: Harness, c: Checkout) => ({
  reserved: () => h.publish('catalog.stock.reserved', { orderId: c.orderId, items: c.items.map((i) => ({ productId: i.productId, quantity: i.quantity })), expiresAt: new Date(Date.now() + 600_000).toISOString() }),
  rejected: () => h.publish('catalog.stock.reservation-rejected', { orderId: c.orderId, shortItems: [{ productId: c.items[0]!.productId, requested: c.items[0]!.quantity, available: 0 }] }),
  committed: () => h.publish('catalog.stock.committed', { orderId: c.orderId }),
  released: (reason?: string) => h.publish('catalog.stock.released', { orderId: c.orderId, ...(reason ? { reason } : {}) }),
  restocked: () => h.publish('catalog.stock.restocked', { orderId: c.orderId }),
  completed: () =>
    h.publish('payment.payment.completed', {
      orderId: c.orderId, paymentId: paymentIdOf(c), customerId: c.customerId, amountCents: c.totalCents, currency: 'USD', providerReference: `sbx_ch_${c.orderId.slice(0, 8)}`,
    }),
  failed: (reason: 'PAYMENT_DECLINED' | 'PAYMENT_INSUFFICIENT_FUNDS' | 'PAYMENT_TIMEOUT') =>
    h.publish('payment.payment.failed', { orderId: c.orderId, paymentId: paymentIdOf(c), customerId: c.customerId, reason }),
  refunded: (reason: string) =>
    h.publish('payment.payment.refunded', { orderId: c.orderId, paymentId: paymentIdOf(c), customerId: c.customerId, amountCents: c.totalCents, currency: 'USD', reason }),
});

const paymentIds = new Map<string, string>();
const paymentIdOf = (c: Checkout) => paymentIds.get(c.orderId) ?? (paymentIds.set(c.orderId, randomUUID()), paymentIds.get(c.orderId)!);

/** Publishes the checkout and waits until the order exists and reserve-stock went out. */
export async function checkout(h: Harness, overrides: Partial<Checkout> = {}): Promise<Checkout> {
  const c = aCheckout(overrides);
  await h.publish('cart.cart.checked-out', c as unknown as Data);
  await waitForSent(h, c.orderId, 'catalog.reserve-stock');
  return c;
}

/** Drives an order to processing (reserved, paid, committed), as the catalog and payment would. */
export async function confirmed(h: Harness, overrides: Partial<Checkout> = {}): Promise<Checkout> {
  const c = await checkout(h, overrides);
  const say = answers(h, c);
  await say.reserved();
  await waitForSent(h, c.orderId, 'payment.authorize-payment');
  await say.completed();
  await waitForSent(h, c.orderId, 'catalog.commit-stock');
  await say.committed();
  await waitForOrder(h, c.orderId, { status: 'processing', state: 'completed' });
  await waitForSent(h, c.orderId, 'order.order.confirmed');
  return c;
}
