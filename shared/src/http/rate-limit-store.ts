import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';

/**
 * rate-limit-redis loads its Lua scripts once, when the limiter is created; if Redis is not reachable
 * at that moment the store stays broken for the life of the process (every call fails, so with
 * fail-open nothing is ever limited). This store creates the Redis store on first use and creates it
 * again after a failed start, so limits begin to hold as soon as Redis answers.
 *
 * While Redis is unreachable it fails open itself: the request is counted as the first of its window
 * and the outage is reported through `onError` (a log line), instead of express-rate-limit printing
 * a stack trace to stderr for every request.
 */
export class RecoveringRedisStore implements Store {
  private options?: Options;
  private ready?: Promise<RedisStore>;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  init(options: Options): void {
    this.options = options;
  }

  private store(): Promise<RedisStore> {
    this.ready ??= (async () => {
      const store = new RedisStore({
        prefix: this.prefix,
        sendCommand: (command: string, ...args: string[]) => this.redis.call(command, ...args) as Promise<RedisReply>,
      });
      await store.init(this.options!);
      return store;
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    try {
      return await (await this.store()).get(key);
    } catch (error) {
      this.onError(error);
      return undefined;
    }
  }

  async increment(key: string): Promise<IncrementResponse> {
    try {
      return await (await this.store()).increment(key);
    } catch (error) {
      this.onError(error);
      return { totalHits: 1, resetTime: new Date(Date.now() + (this.options?.windowMs ?? 60_000)) };
    }
  }

  async decrement(key: string): Promise<void> {
    try {
      await (await this.store()).decrement(key);
    } catch (error) {
      this.onError(error);
    }
  }

  async resetKey(key: string): Promise<void> {
    try {
      await (await this.store()).resetKey(key);
    } catch (error) {
      this.onError(error);
    }
  }
}
