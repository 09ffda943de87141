import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createLogger } from '@commerce/shared';
import { ApiClient, eventually, purgeQueue, testTokens, truncateTables } from '@commerce/shared/testing';
import { loadCatalogConfig, type CatalogConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { startCatalogService, type RunningService } from '../../src/service.js';
import { CACHE_KEY_PREFIX } from '../../src/cache/catalog-cache.js';
import { STOCK_COMMANDS_QUEUE } from '../../src/messaging/stock-commands.js';

export interface Harness {
  api: ApiClient;
  service: RunningService;
  config: CatalogConfig;
  db: pg.Pool;
  /** The test Redis (the service's own REDIS_URL may point elsewhere, e.g. at a closed port). */
  redis: Redis;
  /** A valid access token of a new admin, signed with the test key the service trusts. */
  adminToken: () => string;
  /** A valid access token of a new customer (not an admin). */
  customerToken: () => string;
  /** The id (token subject) of the last adminToken(). */
  lastAdminId: () => string;
}

/** Every table, truncated after each test. */
export const TABLES = 'categories, products, inventory, stock_movements, reservations, reservation_rejections, outbox, inbox';

/**
 * Test tokens: the catalog only verifies tokens (the customer service issues them). The kit's
 * testTokens makes an ES256 key of the test's own; the service is started with a key resolver that
 * knows it, so tokens of any role can be made here with no customer service running.
 */
const tokens = testTokens('catalog-test-key');
export const testKeyResolver = tokens.keyResolver;
export const signToken = tokens.sign;

/** Migrates the test database once per process (idempotent). */
export async function migrateTestDatabase(config: CatalogConfig) {
  const orm = await openDatabase(config.DATABASE_URL, createLogger('catalog-test', 'error'));
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
}

export function testConfig(env: Record<string, string> = {}): CatalogConfig {
  return loadCatalogConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'error', ...env });
}

/**
 * Starts the real service (real Postgres, RabbitMQ, Redis from the test environment) for one
 * describe block, migrated, and wipes its tables and its Redis keys (cache, rate limits) after
 * every test. `env` overrides the service's configuration (e.g. REDIS_URL).
 */
export function useCatalogService(env: Record<string, string> = {}): Harness {
  const h = {} as Harness;
  let adminId = '';
  before(async () => {
    const base = testConfig();
    h.config = testConfig(env);
    await migrateTestDatabase(base);
    h.db = new pg.Pool({ connectionString: base.DATABASE_URL, max: 4 });
    h.redis = new Redis(base.REDIS_URL);
    // Commands other suites' services published on the shared test vhost must not land mid-test.
    await purgeQueue(h.config.AMQP_URL, STOCK_COMMANDS_QUEUE);
    await wipe(h.db, h.redis);
    h.service = await startCatalogService(h.config, { port: 0, keyResolver: testKeyResolver });
    h.api = new ApiClient(h.service.url);
    // The broker connects in the background; tests start once the service says it is ready.
    await eventually(async () => {
      if ((await h.api.get('/health/ready')).status !== 200) throw new Error('catalog service not ready');
    }, { timeoutMs: 15_000 });
    h.adminToken = () => signToken((adminId = randomUUID()), 'admin');
    h.customerToken = () => signToken(randomUUID(), 'customer');
    h.lastAdminId = () => adminId;
  });
  afterEach(() => wipe(h.db, h.redis));
  after(async () => {
    await h.service?.close();
    await h.db?.end();
    h.redis?.disconnect();
  });
  return h;
}

export async function wipe(db: pg.Pool, redis: Redis) {
  await truncateTables(db, TABLES);
  const keys = [...(await redis.keys(`${CACHE_KEY_PREFIX}*`)), ...(await redis.keys('rl:catalog:*'))];
  if (keys.length) await redis.del(...keys);
}
