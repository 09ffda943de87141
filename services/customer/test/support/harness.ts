import pg from 'pg';
import { Redis } from 'ioredis';
import { createLogger } from '@commerce/shared';
import { ApiClient, eventually } from '@commerce/shared/testing';
import { loadCustomerConfig, type CustomerConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database.js';
import { startCustomerService, type RunningService } from '../../src/service.js';
import { registerCustomer } from '../../src/use-cases/register.js';

export interface Harness {
  api: ApiClient;
  service: RunningService;
  config: CustomerConfig;
  db: pg.Pool;
  /** Creates an admin directly (there is no public way to become one) and signs in. */
  adminToken: () => Promise<{ id: string; accessToken: string }>;
}

const TABLES = 'customers, addresses, refresh_tokens, outbox, inbox';

/**
 * Starts the real service (real Postgres, RabbitMQ, Redis from the test environment) for one
 * describe block, migrated, and wipes its tables and rate-limit counters after every test.
 */
export function useCustomerService(env: Record<string, string> = {}): Harness {
  const h = {} as Harness;
  let redis: Redis;
  before(async () => {
    h.config = loadCustomerConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'error', ...env });
    const orm = await openDatabase(h.config.DATABASE_URL, createLogger('customer-test', 'error'));
    await orm.getMigrator().up();
    await orm.close();
    h.db = new pg.Pool({ connectionString: h.config.DATABASE_URL, max: 2 });
    redis = new Redis(h.config.REDIS_URL);
    await wipe(h.db, redis);
    h.service = await startCustomerService(h.config, { port: 0 });
    h.api = new ApiClient(h.service.url);
    // Broker and Redis connect in the background; tests start once the service says it is ready.
    await eventually(async () => {
      if ((await h.api.get('/health/ready')).status !== 200) throw new Error('customer service not ready');
    }, { timeoutMs: 15_000 });
    h.adminToken = async () => {
      const email = `admin-${Math.random().toString(36).slice(2)}@example.com`;
      const orm2 = await openDatabase(h.config.DATABASE_URL, createLogger('customer-test', 'error'));
      try {
        const admin = await registerCustomer(orm2.em.fork(), { email, password: 'admin-password-1', name: 'Admin', role: 'admin' });
        const { body } = await h.api.post('/api/v1/auth/login', { email, password: 'admin-password-1' });
        return { id: admin.id, accessToken: (body as { accessToken: string }).accessToken };
      } finally {
        await orm2.close();
      }
    };
  });
  afterEach(() => wipe(h.db, redis));
  after(async () => {
    await h.service?.close();
    await h.db?.end();
    redis?.disconnect();
  });
  return h;
}

async function wipe(db: pg.Pool, redis: Redis) {
  await db.query(`truncate ${TABLES} cascade`);
  const keys = await redis.keys('rl:customer:*');
  if (keys.length) await redis.del(...keys);
}

export const uniqueEmail = (tag = 'user') => `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
