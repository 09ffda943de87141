import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createBus, createEnvelope, createLogger, type Bus, type Envelope } from '@commerce/shared';
import { ApiClient, deleteRedisKeys, eventually, purgeQueue, testTokens, truncateTables, waitForConsumer } from '@commerce/shared/testing';
import { loadCartConfig, type CartConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { startCartService, type RunningService } from '../../src/service.js';
import { CART_EVENTS_QUEUE } from '../../src/messaging/cart-events-consumer.js';

export interface Harness {
  api: ApiClient;
  service: RunningService;
  config: CartConfig;
  db: pg.Pool;
  /** A bus of the test's own, to publish other services' events on the real broker. */
  bus: Bus;
  /** A valid access token of a customer (a new one unless `customerId` is given). */
  customerToken: (customerId?: string) => string;
  adminToken: () => string;
  /** Publishes an event as another service would (envelope validated by the bus's consumer). */
  publish: (type: string, data: Record<string, unknown>, occurredAt?: Date) => Promise<Envelope>;
}

/** Every table, truncated after each test. */
export const TABLES = 'carts, cart_items, product_snapshots, customer_addresses, idempotency_keys, outbox, inbox';

/**
 * Test tokens: the cart only verifies tokens (the customer service issues them). The kit's
 * testTokens makes an ES256 key of the test's own; the service is started with a key resolver that
 * knows it, so tokens of any role can be made here with no customer service running.
 */
const tokens = testTokens('cart-test-key');
export const testKeyResolver = tokens.keyResolver;
export const signToken = tokens.sign;

export function testConfig(env: Record<string, string> = {}): CartConfig {
  return loadCartConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'error', ...env });
}

/** Migrates the test database (idempotent). */
export async function migrateTestDatabase(config: CartConfig) {
  const orm = await openDatabase(config.DATABASE_URL, createLogger('cart-test', 'error'));
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
}

/**
 * Starts the real service (real Postgres, RabbitMQ, Redis from the test environment) for one
 * describe block, migrated, and wipes its tables after every test. `env` overrides its config.
 */
export function useCartService(env: Record<string, string> = {}): Harness {
  const h = {} as Harness;
  before(async () => {
    h.config = testConfig(env);
    await migrateTestDatabase(h.config);
    h.db = new pg.Pool({ connectionString: h.config.DATABASE_URL, max: 4 });
    await purgeQueue(h.config.AMQP_URL, CART_EVENTS_QUEUE);
    await wipe(h.db);
    h.service = await startCartService(h.config, { port: 0, keyResolver: testKeyResolver });
    h.api = new ApiClient(h.service.url);
    await eventually(async () => {
      if ((await h.api.get('/health/ready')).status !== 200) throw new Error('cart service not ready');
    }, { timeoutMs: 15_000 });
    await waitForConsumer(h.config.AMQP_URL, CART_EVENTS_QUEUE);
    h.bus = createBus({ url: h.config.AMQP_URL, service: 'cart-test', logger: createLogger('cart-test', 'error') });
    await h.bus.waitForConnection(15_000);
    h.customerToken = (customerId = randomUUID()) => signToken(customerId, 'customer');
    h.adminToken = () => signToken(randomUUID(), 'admin');
    h.publish = async (type, data, occurredAt) => {
      const envelope = createEnvelope({ type, data, ...(occurredAt ? { occurredAt } : {}) }) as Envelope;
      await h.bus.publish(envelope);
      return envelope;
    };
  });
  afterEach(() => wipe(h.db));
  after(async () => {
    await h.bus?.close();
    await h.service?.close();
    await h.db?.end();
  });
  return h;
}

export async function wipe(db: pg.Pool) {
  await truncateTables(db, TABLES);
  await deleteRedisKeys(testConfig().REDIS_URL, 'rl:cart:*');
}
