import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createLogger } from '@commerce/shared';
import { ApiClient, eventually, testTokens } from '@commerce/shared/testing';
import { loadPaymentConfig, type PaymentConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { SandboxProvider } from '../../src/provider/sandbox.js';
import { startPaymentService, type RunningService } from '../../src/service.js';

export interface Harness {
  api: ApiClient;
  service: RunningService;
  config: PaymentConfig;
  db: pg.Pool;
  /** The provider the service uses: the tests read its charge and refund counts. */
  sandbox: SandboxProvider;
  customerToken: (customerId?: string) => string;
  adminToken: () => string;
}

/** Every table, truncated after each test. */
export const TABLES = 'payments, payment_history, idempotency_keys, outbox, inbox';

/** Tokens of the test's own key (the payment service only verifies tokens; see the kit's testTokens). */
const tokens = testTokens('payment-test-key');
export const testKeyResolver = tokens.keyResolver;
export const signToken = tokens.sign;

export function testConfig(env: Record<string, string> = {}): PaymentConfig {
  return loadPaymentConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'error', ...env });
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

/**
 * Starts the real service (real Postgres, RabbitMQ, Redis from the test environment) for one
 * describe block, migrated, with a sandbox provider of the test's own (tok_slow answers in
 * `slowMs`), and wipes its tables after every test.
 */
export function usePaymentService(env: Record<string, string> = {}, slowMs = 300): Harness {
  const h = {} as Harness;
  before(async () => {
    h.config = testConfig(env);
    await migrateTestDatabase(h.config);
    h.db = new pg.Pool({ connectionString: h.config.DATABASE_URL, max: 4 });
    await wipe(h.db);
    h.sandbox = new SandboxProvider({ slowMs });
    h.service = await startPaymentService(h.config, { port: 0, keyResolver: testKeyResolver, provider: h.sandbox });
    h.api = new ApiClient(h.service.url);
    await eventually(async () => {
      if ((await h.api.get('/health/ready')).status !== 200) throw new Error('payment service not ready');
    }, { timeoutMs: 15_000 });
    h.customerToken = (customerId = randomUUID()) => signToken(customerId, 'customer');
    h.adminToken = () => signToken(randomUUID(), 'admin');
  });
  afterEach(() => wipe(h.db));
  after(async () => {
    await h.service?.close();
    await h.db?.end();
  });
  return h;
}

export async function wipe(db: pg.Pool) {
  await db.query(`truncate ${TABLES} cascade`);
  // Rate-limit counters of this service in the test Redis.
  const redis = new Redis(testConfig().REDIS_URL);
  try {
    const keys = await redis.keys('rl:payment:*');
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
