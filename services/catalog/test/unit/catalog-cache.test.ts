import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createLogger, etagOf, type Redis } from '@commerce/shared';
import { MemoryTransport } from '@commerce/shared/testing';
import { CatalogCache } from '../../src/cache/catalog-cache.js';

/** Just enough of Redis, in memory: GET, MGET, INCR, DEL, MULTI, and the one EVAL script (set if version unchanged). */
class FakeRedis {
  readonly data = new Map<string, string>();
  down = false;
  private check() {
    if (this.down) return Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    return undefined;
  }
  get(key: string) {
    return this.check() ?? Promise.resolve(this.data.get(key) ?? null);
  }
  mget(...keys: string[]) {
    return this.check() ?? Promise.resolve(keys.map((k) => this.data.get(k) ?? null));
  }
  incr(key: string) {
    const next = Number(this.data.get(key) ?? '0') + 1;
    return this.check() ?? Promise.resolve(this.data.set(key, String(next)) && next);
  }
  eval(_script: string, _n: number, versionKey: string, key: string, version: string, value: string) {
    const failed = this.check();
    if (failed) return failed;
    if ((this.data.get(versionKey) ?? '0') !== version) return Promise.resolve(0);
    this.data.set(key, value);
    return Promise.resolve(1);
  }
  multi() {
    const ops: (() => void)[] = [];
    const chain = {
      incr: (key: string) => (ops.push(() => this.data.set(key, String(Number(this.data.get(key) ?? '0') + 1))), chain),
      del: (...keys: string[]) => (ops.push(() => keys.forEach((k) => this.data.delete(k))), chain),
      exec: () => this.check() ?? Promise.resolve(ops.map((op) => (op(), [null, 'OK']))),
    };
    return chain;
  }
}

function setup() {
  const redis = new FakeRedis();
  const logs = new MemoryTransport();
  const registry = new Registry();
  const cache = new CatalogCache(redis as unknown as Redis, createLogger('cache-test', 'info', [logs]), { productSeconds: 60, listingSeconds: 30, categoriesSeconds: 300 }, registry);
  const count = async (entity: string, result: string) => (await registry.getSingleMetricAsString('cache_requests_total')).split('\n').filter((l) => l.includes(`entity="${entity}"`) && l.includes(`result="${result}"`)).map((l) => Number(l.split(' ').pop()))[0] ?? 0;
  return { redis, logs, cache, count };
}

describe('CatalogCache (cache-aside over a fake Redis)', () => {
  it('when a product is read twice, then the database is asked once; the ETag is the kit etag of the representation', async () => {
    const { cache, count } = setup();
    let loads = 0;
    const load = async () => (loads++, { id: 'p1', name: 'Mug' });
    const first = await cache.product('p1', load);
    const second = await cache.product('p1', load);
    expect(loads).to.equal(1);
    expect(second).to.deep.equal(first);
    expect(first!.etag).to.equal(etagOf({ id: 'p1', name: 'Mug' }));
    expect(JSON.parse(first!.json)).to.deep.equal({ id: 'p1', name: 'Mug' });
    expect(await count('product', 'miss')).to.equal(1);
    expect(await count('product', 'hit')).to.equal(1);
  });

  it('when a product does not exist, then null and nothing is stored', async () => {
    const { cache, redis } = setup();
    expect(await cache.product('nope', async () => null)).to.equal(null);
    expect([...redis.data.keys()]).to.deep.equal([]);
  });

  it('when products change, then their entries go and every listing page is asked again', async () => {
    const { cache } = setup();
    let version = 1;
    const loadProduct = async () => ({ v: version });
    const loadPage = async () => ({ items: [version] });
    await cache.product('p1', loadProduct);
    await cache.listing('q=a', loadPage);
    version = 2;
    await cache.productsChanged(['p1']);
    expect(JSON.parse((await cache.product('p1', loadProduct))!.json)).to.deep.equal({ v: 2 });
    expect(JSON.parse((await cache.listing('q=a', loadPage)).json)).to.deep.equal({ items: [2] });
  });

  it('when a write commits while a reader is loading the old row, then the reader does not put the old row back', async () => {
    const { cache } = setup();
    let row = { name: 'old' };
    const slowLoad = async () => {
      const seen = row;
      // The write commits and invalidates between this reader's database read and its cache write.
      row = { name: 'new' };
      await cache.productsChanged(['p1']);
      return seen;
    };
    expect(JSON.parse((await cache.product('p1', slowLoad))!.json)).to.deep.equal({ name: 'old' });
    expect(JSON.parse((await cache.product('p1', async () => row))!.json)).to.deep.equal({ name: 'new' });
  });

  it('when categories change, then the category pages are asked again', async () => {
    const { cache } = setup();
    let n = 0;
    const load = async () => ({ n: ++n });
    await cache.categories('limit=20', load);
    expect(JSON.parse((await cache.categories('limit=20', load)).json)).to.deep.equal({ n: 1 });
    await cache.categoriesChanged();
    expect(JSON.parse((await cache.categories('limit=20', load)).json)).to.deep.equal({ n: 2 });
  });

  it('when Redis is down, then every read goes to the database, is counted as error, and the outage is logged once per 30 s', async () => {
    const { cache, redis, logs, count } = setup();
    redis.down = true;
    for (let i = 0; i < 5; i++) expect(JSON.parse((await cache.product('p1', async () => ({ i })))!.json)).to.deep.equal({ i });
    expect(JSON.parse((await cache.listing('x', async () => ({ items: [] }))).json)).to.deep.equal({ items: [] });
    await cache.productsChanged(['p1']);
    await cache.categoriesChanged();
    expect(await count('product', 'error')).to.equal(5);
    expect(await count('products', 'error')).to.equal(1);
    expect(logs.lines.filter((l) => l.message === 'cache unavailable: serving from the database')).to.have.length(1);
  });
});
