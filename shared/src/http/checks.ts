import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Bus } from '../messaging/bus.js';
import type { ReadinessCheck } from './health.js';

/** The readiness checks services have in common: their database and their broker connection. */
export function databaseCheck(orm: MikroORM): ReadinessCheck {
  return async () => {
    const status = await orm.checkConnection();
    if (!status.ok) throw new Error(status.reason);
  };
}

export function brokerCheck(bus: Bus): ReadinessCheck {
  return async () => {
    if (!bus.isConnected()) throw new Error('not connected');
  };
}

/** For services where Redis is essential (shared rate limits, sessions), not merely a cache. */
export function redisCheck(redis: Redis): ReadinessCheck {
  return () => redis.ping();
}
