import { expect } from 'chai';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { createRedis, type Redis } from '../../src/redis.js';
import { createOrm, type MikroORM } from '../../src/db/orm.js';
import { messagingEntities } from '../../src/messaging/index.js';
import { ConflictError, ServiceUnavailableError } from '../../src/errors.js';
import { ACCESS_TOKEN, createTokenVerifier } from '../../src/auth/verifier.js';
import { localKeys } from '../../src/auth/jwks.js';
import { authenticate, principalOf, requireRole } from '../../src/auth/guard.js';
import { eventually, MemoryTransport } from '../../src/testing/index.js';
import { DATABASE_URL } from '../support/env.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1';

const ok = { description: 'ok', content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string' } } } } } };
const spec = {
  openapi: '3.0.3',
  info: { title: 'kit test', version: '1.0.0' },
  paths: {
    '/api/v1/things/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      get: { responses: { '200': ok } },
    },
    '/api/v1/broken': { get: { responses: { '200': ok } } },
    '/api/v1/conflict': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' } } } } } }, responses: { '200': ok } } },
    '/api/v1/crash': { get: { responses: { '200': ok } } },
    '/api/v1/admin': { get: { responses: { '200': ok } } },
    '/api/v1/keyed': {
      post: {
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,255}$' } }],
        responses: { '200': ok },
      },
    },
  },
};

describe('createApp: the HTTP stack every service shares', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sign = (claims: object, options: jwt.SignOptions = {}) =>
    jwt.sign(claims, privateKey, { algorithm: 'ES256', keyid: 'k1', issuer: ACCESS_TOKEN.issuer, audience: ACCESS_TOKEN.audience, expiresIn: 60, ...options });
  const logs = new MemoryTransport();
  let server: Server;
  let base: string;
  let orm: MikroORM;
  let redis: Redis;
  let redisUp = true;

  before(async () => {
    const logger = createLogger('kit-test', 'info', [logs]);
    orm = await createOrm({ url: DATABASE_URL, entities: messagingEntities, migrations: [], logger });
    redis = createRedis(REDIS_URL, logger);
    const keys = localKeys(new Map([['k1', privateKey]]));
    // The kid 'away' stands for keys that can't be fetched (remoteKeys with the JWKS down).
    const verify = createTokenVerifier((kid) => (kid === 'away' ? Promise.reject(new ServiceUnavailableError('The keys are away.', 5)) : keys(kid)));
    const app = createApp({
      service: 'kit',
      spec,
      logger,
      metrics: createMetrics('kit'),
      redis,
      orm,
      config: { NODE_ENV: 'test', CORS_ORIGINS: '', TRUST_PROXY: 'loopback', RATE_LIMIT_PER_MINUTE: 10_000 },
      checks: {
        database: () => orm.checkConnection(),
        redis: async () => {
          if (!redisUp) throw new Error('down');
        },
      },
      routes: (router) => {
        router.get('/api/v1/things/:id', (req, res) => void res.json({ id: (req.params as { id: string }).id }));
        router.get('/api/v1/broken', (_req, res) => void res.json({ id: 1, secretInternal: 'x' }));
        router.post('/api/v1/conflict', () => {
          throw new ConflictError('THING_TAKEN', 'That thing exists.');
        });
        router.get('/api/v1/crash', () => {
          throw new Error('connection string postgres://user:pw@db leaked?');
        });
        router.post('/api/v1/keyed', (_req, res) => void res.json({ id: 'done' }));
        router.get('/api/v1/admin', authenticate(verify), requireRole('admin'), (_req, res) => void res.json({ id: principalOf(res).customerId }));
      },
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await eventually(async () => expect((await fetch(`${base}/health/ready`)).status).to.equal(200));
  });
  after(async () => {
    server?.close();
    await orm?.close();
    redis?.disconnect();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  };

  it('when a handler answers within the contract, then 200', async () => {
    const id = randomUUID();
    expect(await get(`/api/v1/things/${id}`)).to.deep.include({ status: 200, body: { id } });
  });

  it('when a path parameter breaks the contract, then 400 VALIDATION_FAILED with the field path', async () => {
    const res = await get('/api/v1/things/not-a-uuid');
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.errors)).to.contain('id');
  });

  it('when the path exists and the method does not, then 405 METHOD_NOT_ALLOWED with the Allow header RFC 9110 requires', async () => {
    const res = await fetch(`${base}/api/v1/things/${randomUUID()}`, { method: 'DELETE' });
    expect(res.status).to.equal(405);
    expect(res.headers.get('allow')).to.equal('GET');
    expect(await res.json()).to.include({ code: 'METHOD_NOT_ALLOWED', detail: 'DELETE is not allowed on this path; it allows GET.' });
  });

  it('when a response breaks the contract, then 500 INTERNAL that leaks nothing of the body', async () => {
    const res = await get('/api/v1/broken');
    expect(res.status).to.equal(500);
    expect(res.body.code).to.equal('INTERNAL');
    expect(JSON.stringify(res.body)).not.to.contain('secretInternal');
  });

  it('when a use case throws a known error, then its status and code, as problem+json', async () => {
    const res = await fetch(`${base}/api/v1/conflict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).to.equal(409);
    expect(res.headers.get('content-type')).to.contain('application/problem+json');
    expect(await res.json()).to.include({ code: 'THING_TAKEN', status: 409, title: 'Conflict', detail: 'That thing exists.' });
  });

  it('when a contract requires Idempotency-Key and it is missing, then 400 IDEMPOTENCY_KEY_REQUIRED; a malformed one is VALIDATION_FAILED', async () => {
    const post = async (headers: Record<string, string>) => {
      const res = await fetch(`${base}/api/v1/keyed`, { method: 'POST', headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const missing = await post({});
    expect(missing.status).to.equal(400);
    expect(missing.body.code).to.equal('IDEMPOTENCY_KEY_REQUIRED');
    const malformed = await post({ 'idempotency-key': 'not a key!' });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.code).to.equal('VALIDATION_FAILED');
    expect(await post({ 'idempotency-key': 'k-1' })).to.deep.equal({ status: 200, body: { id: 'done' } });
  });

  it('when anything else is thrown, then 500 INTERNAL without the message, and the error is logged', async () => {
    logs.lines.length = 0;
    const res = await get('/api/v1/crash');
    expect(res.status).to.equal(500);
    expect(JSON.stringify(res.body)).not.to.match(/postgres|leaked/);
    expect(logs.lines.some((l) => l.message === 'unhandled error')).to.equal(true);
  });

  it('when the token is valid and the role fits, then the principal reaches the handler', async () => {
    const id = randomUUID();
    const res = await get('/api/v1/admin', { authorization: `Bearer ${sign({ role: 'admin' }, { subject: id })}` });
    expect(res).to.deep.include({ status: 200, body: { id } });
  });

  it('when the role does not fit, then 403 FORBIDDEN', async () => {
    const res = await get('/api/v1/admin', { authorization: `Bearer ${sign({ role: 'customer' }, { subject: randomUUID() })}` });
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal('FORBIDDEN');
  });

  for (const [what, token] of [
    ['expired', () => sign({ role: 'admin' }, { subject: 'x', expiresIn: -10 })],
    ['for another audience', () => sign({ role: 'admin' }, { subject: 'x', audience: 'elsewhere' })],
    ['signed with an unknown kid', () => sign({ role: 'admin' }, { subject: 'x', keyid: 'k2' })],
    ['without a role', () => sign({}, { subject: 'x' })],
    ['unsigned (alg none)', () => jwt.sign({ role: 'admin', sub: 'x', iss: ACCESS_TOKEN.issuer, aud: ACCESS_TOKEN.audience }, '', { algorithm: 'none' })],
  ] as const) {
    it(`when the token is ${what}, then 401 UNAUTHENTICATED`, async () => {
      const res = await get('/api/v1/admin', { authorization: `Bearer ${token()}` });
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('UNAUTHENTICATED');
    });
  }

  it('when the keys that verify the token cannot be had, then 503 SERVICE_UNAVAILABLE with Retry-After, not 401', async () => {
    const res = await fetch(`${base}/api/v1/admin`, { headers: { authorization: `Bearer ${sign({ role: 'admin' }, { subject: 'x', keyid: 'away' })}` } });
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('5');
    expect(res.headers.get('content-type')).to.contain('application/problem+json');
    expect(await res.json()).to.include({ code: 'SERVICE_UNAVAILABLE', status: 503, detail: 'The keys are away.' });
  });

  it('when a dependency check fails, then ready is 503 and names it; live stays 200', async () => {
    redisUp = false;
    try {
      const res = await get('/health/ready');
      expect(res.status).to.equal(503);
      expect(res.body).to.deep.equal({ status: 'down', checks: { database: 'up', redis: 'down' } });
      expect((await get('/health/live')).status).to.equal(200);
    } finally {
      redisUp = true;
    }
  });

  it('when scraped, then metrics carry the service label and route templates', async () => {
    await get(`/api/v1/things/${randomUUID()}`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).to.match(/http_requests_total\{[^}]*route="\/api\/v1\/things\/\{id\}"[^}]*service="kit"/);
  });
});
