import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Service } from './env.js';

export const ACCEPTANCE_VHOST = 'commerce_acceptance';

/**
 * Empties the acceptance stack's state before a run (services stopped, migrations applied): every
 * table but the migration log, every queue of the acceptance vhost, Redis db 2. The invariant
 * checker reads whole databases, so a run must not inherit what an interrupted one left.
 */
export async function resetState(env: Partial<Record<Service, Record<string, string>>>): Promise<void> {
  for (const vars of Object.values(env)) {
    if (vars?.DATABASE_URL) await truncateAll(vars.DATABASE_URL);
  }
  const amqpUrl = Object.values(env).find((vars) => vars?.AMQP_URL)?.AMQP_URL;
  if (amqpUrl) await purgeVhost(amqpUrl, ACCEPTANCE_VHOST);
  const redisUrl = Object.values(env).find((vars) => vars?.REDIS_URL)?.REDIS_URL;
  if (redisUrl) {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  }
}

async function truncateAll(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm_migrations%'`,
    );
    if (rows.length > 0) await client.query(`truncate ${rows.map((row) => row.name).join(', ')} restart identity cascade`);
  } finally {
    await client.end();
  }
}

/** The consumers' queues of the stack, in case rabbitmqctl can't list them (not root). */
const KNOWN_QUEUES = ['order.saga', 'payment.commands', 'catalog.stock-commands', 'cart.events'].flatMap((queue) => [
  queue,
  `${queue}.dlq`,
  ...[1, 2, 3].map((n) => `${queue}.retry.${n}`),
]);

/** Every queue of the vhost, as rabbitmqctl lists them (needs root, like the broker-outage test). */
function listQueues(vhost: string): string[] {
  try {
    return execFileSync('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && line !== 'name');
  } catch {
    return KNOWN_QUEUES;
  }
}

/** Purges every queue of the vhost. */
export async function purgeVhost(amqpUrl: string, vhost: string): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    for (const name of listQueues(vhost)) {
      // A channel per queue: purging a queue that does not exist closes the channel.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.purgeQueue(name).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
}
