import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { redisRateLimit } from '../../src/http/rate-limit.js';
import { problemHandler } from '../../src/http/problem.js';
import { createLogger } from '../../src/logging/logger.js';
import { MemoryTransport } from '../../src/testing/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1';

const logged = new MemoryTransport();

async function serve(redis: Redis, limit: number): Promise<{ url: string; server: Server; prefix: string }> {
  const app = express();
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  app.use(redisRateLimit({ redis, logger: createLogger('test', 'warn', [logged]), prefix, windowMs: 60_000, limit }));
  app.get('/', (_req, res) => void res.json({ ok: true }));
  app.use(problemHandler(createLogger('test', 'error')));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, prefix };
}

const statuses = async (url: string, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fetch(url)).status);
  return out;
};

describe('Redis-backed rate limit', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('when Redis is unreachable at start-up, then requests pass, and the limit holds once Redis answers', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const { url, server, prefix } = await serve(redis, 2);
    cleanups.push(() => void server.close(), () => redis.disconnect());
    expect(await fetch(url).then((r) => r.status)).to.equal(200);
    // That first request found the client offline and passed; the client is connecting now.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    await redis.del(...(await redis.keys(`rl:${prefix}:*`)), 'no-such-key');
    expect(await statuses(url, 3)).to.deep.equal([200, 200, 429]);
  });

  it('when Redis goes away, then requests are let through rather than failing', async () => {
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => redis.once('ready', resolve));
    const { url, server } = await serve(redis, 1);
    cleanups.push(() => void server.close());
    expect(await statuses(url, 2)).to.deep.equal([200, 429]);
    redis.disconnect();
    logged.lines.length = 0;
    expect(await statuses(url, 3)).to.deep.equal([200, 200, 200]);
    expect(logged.lines.map((l) => l.message)).to.deep.equal(['rate limit store unavailable; requests pass unlimited']);
  });
});
