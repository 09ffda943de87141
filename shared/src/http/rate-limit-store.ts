import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';

/**
 * rate-limit-redis loads its Lua scripts once, when the limiter is created; if Redis is not reachable
 * at that moment the store stays broken for the life of the process (every call fails, so with
 * fail-open nothing is ever limited). This store creates the Redis store on first use and creates it
 * again after a failed start, so limits begin to hold as soon as Redis answers.
 */
export class RecoveringRedisStore implements Store {
  private options?: Options;
  private ready?: Promise<RedisStore>;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
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
    return (await this.store()).get(key);
  }

  async increment(key: string): Promise<IncrementResponse> {
    return (await this.store()).increment(key);
  }

  async decrement(key: string): Promise<void> {
    await (await this.store()).decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    await (await this.store()).resetKey(key);
  }
}
