import { rateLimit, type Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { RateLimitedError } from '../errors.js';
import { RecoveringRedisStore } from './rate-limit-store.js';

export interface LimitOptions {
  redis: Redis;
  logger: Logger;
  /** Keeps counters of different limiters and services apart in one Redis. */
  prefix: string;
  windowMs: number;
  limit: number;
  keyGenerator?: Options['keyGenerator'];
  /** Count only failed requests (status >= 400), e.g. for login throttling. */
  countFailuresOnly?: boolean;
}

const OUTAGE_LOG_INTERVAL_MS = 30_000;

/**
 * A limiter whose counters live in Redis, so the limit holds across replicas. If Redis is down,
 * requests pass (fail open) rather than the whole API failing with it; the outage is logged at most
 * every 30 s per limiter.
 */
export function redisRateLimit(options: LimitOptions) {
  let lastLogged = 0;
  const onError = (error: unknown) => {
    if (Date.now() - lastLogged < OUTAGE_LOG_INTERVAL_MS) return;
    lastLogged = Date.now();
    options.logger.warn('rate limit store unavailable; requests pass unlimited', { limiter: options.prefix, error: (error as Error)?.message });
  };
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    passOnStoreError: true,
    skipFailedRequests: false,
    skipSuccessfulRequests: options.countFailuresOnly ?? false,
    ...(options.keyGenerator ? { keyGenerator: options.keyGenerator } : {}),
    store: new RecoveringRedisStore(options.redis, `rl:${options.prefix}:`, onError),
    handler: (req, _res, next) => {
      const reset = (req as typeof req & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.ceil(options.windowMs / 1000);
      next(new RateLimitedError(seconds));
    },
  });
}
