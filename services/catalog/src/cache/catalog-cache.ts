import { Counter, type Registry } from 'prom-client';
import { etagOf, type Logger, type Redis } from '@commerce/shared';

/** What a reader gets back: the ready JSON text and its ETag. */
export interface CachedRepresentation {
  json: string;
  etag: string;
}

export type CacheEntity = 'product' | 'products' | 'categories';

export interface CacheTtls {
  productSeconds: number;
  listingSeconds: number;
  categoriesSeconds: number;
}

/** Invalidation, all the writers need (HTTP use cases, stock commands, the sweeper, the seed). */
export interface CacheInvalidation {
  /** A product changed (data or stock): its own entry and every listing page. Call after commit. */
  productsChanged(productIds: readonly string[]): Promise<void>;
  /** A category was created or changed. Call after commit. */
  categoriesChanged(): Promise<void>;
}

const KEY = {
  product: (id: string) => `catalog:product:${id}`,
  productsVersion: 'catalog:products:version',
  listing: (version: string, query: string) => `catalog:products:v${version}:${query}`,
  categoriesVersion: 'catalog:categories:version',
  categories: (version: string, query: string) => `catalog:categories:v${version}:${query}`,
};

/** Every key this cache writes starts with this; tests wipe it. */
export const CACHE_KEY_PREFIX = 'catalog:';

/**
 * SET only while the version is still the one read before the database was: a reader that loaded
 * a product, was overtaken by a write (commit, then INCR of the version and DEL of the key) and
 * only then stores what it loaded, stores nothing. Without this guard plain cache-aside can put
 * the pre-write product back and serve it until the TTL runs out.
 */
const SET_IF_VERSION = `
if (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0`;

/** How often a Redis outage is logged (every failed call is still counted). */
const OUTAGE_LOG_INTERVAL_MS = 30_000;

/**
 * Redis cache-aside for the hot reads: one product (JSON + ETag, TTL ~60 s), listing pages (~30 s,
 * keyed by a version number that every product write increments, so invalidating "all listings" is
 * one INCR), category pages (~300 s, same scheme). Writers call the CacheInvalidation methods after
 * their transaction commits. When Redis fails, reads go to the database: counted
 * (`cache_requests_total{result="error"}`), logged at most every 30 s, never an error for the client.
 */
export class CatalogCache implements CacheInvalidation {
  private readonly requests: Counter<'entity' | 'result'>;
  private lastOutageLog = 0;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly ttl: CacheTtls,
    registry?: Registry,
  ) {
    const existing = registry?.getSingleMetric('cache_requests_total') as Counter<'entity' | 'result'> | undefined;
    this.requests =
      existing ??
      new Counter({
        name: 'cache_requests_total',
        help: 'Cache lookups by entity and result (hit, miss, error = Redis unavailable, served from the database)',
        labelNames: ['entity', 'result'],
        registers: registry ? [registry] : [],
      });
  }

  /** One product's representation; `load` (the database) runs on a miss and its answer is stored. null: no such product. */
  product(id: string, load: () => Promise<object | null>): Promise<CachedRepresentation | null> {
    return this.through('product', KEY.productsVersion, KEY.product(id), this.ttl.productSeconds, load);
  }

  /** One page of the product listing; `query` is the normalised query string. */
  listing(query: string, load: () => Promise<object>): Promise<CachedRepresentation> {
    return this.through('products', KEY.productsVersion, (v) => KEY.listing(v, query), this.ttl.listingSeconds, load) as Promise<CachedRepresentation>;
  }

  /** One page of the category list. */
  categories(query: string, load: () => Promise<object>): Promise<CachedRepresentation> {
    return this.through('categories', KEY.categoriesVersion, (v) => KEY.categories(v, query), this.ttl.categoriesSeconds, load) as Promise<CachedRepresentation>;
  }

  async productsChanged(productIds: readonly string[]): Promise<void> {
    try {
      const pipeline = this.redis.multi().incr(KEY.productsVersion);
      if (productIds.length) pipeline.del(...productIds.map(KEY.product));
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.outage('invalidation', error);
    }
  }

  async categoriesChanged(): Promise<void> {
    try {
      await this.redis.incr(KEY.categoriesVersion);
    } catch (error) {
      this.outage('invalidation', error);
    }
  }

  private async through(
    entity: CacheEntity,
    versionKey: string,
    /** A fixed key, or the key of a given version (listing and category pages). */
    keyOf: string | ((version: string) => string),
    ttlSeconds: number,
    load: () => Promise<object | null>,
  ): Promise<CachedRepresentation | null> {
    let version: string;
    let key: string;
    try {
      // The version first: a listing key contains it; a product key is stored only if it is unchanged.
      let cached: string | null;
      if (typeof keyOf === 'string') {
        // A fixed key doesn't depend on the version: both in one round trip.
        const [v, c] = await this.redis.mget(versionKey, keyOf);
        [version, key, cached] = [v ?? '0', keyOf, c ?? null];
      } else {
        version = (await this.redis.get(versionKey)) ?? '0';
        key = keyOf(version);
        cached = await this.redis.get(key);
      }
      if (cached !== null) {
        this.requests.inc({ entity, result: 'hit' });
        return JSON.parse(cached) as CachedRepresentation;
      }
    } catch (error) {
      this.requests.inc({ entity, result: 'error' });
      this.outage(entity, error);
      return represent(await load());
    }
    this.requests.inc({ entity, result: 'miss' });
    const fresh = represent(await load());
    if (fresh) {
      // Awaited (one round trip, on a miss only): once the response is out, the entry is in place.
      await this.redis.eval(SET_IF_VERSION, 2, versionKey, key, version, JSON.stringify(fresh), ttlSeconds).catch((error: unknown) => this.outage(entity, error));
    }
    return fresh;
  }

  private outage(what: string, error: unknown) {
    const now = Date.now();
    if (now - this.lastOutageLog < OUTAGE_LOG_INTERVAL_MS) return;
    this.lastOutageLog = now;
    this.logger.warn('cache unavailable: serving from the database', { what, error: (error as Error)?.message ?? String(error) });
  }
}

function represent(value: object | null): CachedRepresentation | null {
  if (value === null) return null;
  // etagOf is the kit's (sha256 of the JSON): PATCH's If-Match check compares against the same tag.
  return { json: JSON.stringify(value), etag: etagOf(value) };
}
