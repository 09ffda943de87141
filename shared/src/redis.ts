import { Redis } from 'ioredis';
import type { Logger } from './logging/logger.js';

/** A Redis client that keeps retrying in the background and fails commands fast while down. */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let wasReady = false;
  redis.on('ready', () => {
    wasReady = true;
    logger.info('redis connected');
  });
  redis.on('error', (error: Error) => {
    if (wasReady) logger.warn('redis error', { error: error.message });
  });
  return redis;
}

export type { Redis } from 'ioredis';

/** QUIT when Redis answers; when it doesn't, just drop the connection (quit would wait forever). */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
