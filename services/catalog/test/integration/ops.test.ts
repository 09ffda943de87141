import { expect } from 'chai';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN } from '@commerce/shared';
import { signToken, useCatalogService } from '../support/harness.js';
import { newProduct } from '../support/catalog-fixtures.js';

describe('catalog ops endpoints and token checks', () => {
  const h = useCatalogService();

  it('when probed, then ready reports the database and the broker (Redis is only a cache, not a readiness check)', async () => {
    const ready = await h.api.get<{ checks: Record<string, string> }>('/health/ready');
    expect(ready.status).to.equal(200);
    expect(ready.body.checks).to.deep.equal({ database: 'up', broker: 'up' });
  });

  it('when asked, then /openapi.json serves the catalog contract, and /metrics counts routes by template and the cache', async () => {
    const spec = await h.api.get<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(Object.keys(spec.body.paths)).to.include.members(['/api/v1/categories', '/api/v1/products', '/api/v1/products/bulk', '/api/v1/products/{productId}']);
    const product = await newProduct(h);
    await h.api.get(`/api/v1/products/${product.id}`);
    const metrics = (await h.api.get<string>('/metrics')).body;
    expect(metrics).to.match(/http_requests_total\{[^}]*route="\/api\/v1\/products\/{productId}"[^}]*status="200"/);
    expect(metrics).to.match(/cache_requests_total\{entity="product",result="miss"/);
    expect(metrics).not.to.contain(product.id);
  });

  it('when a token is expired, signed by an unknown key, or for another audience, then 401; the right one passes', async () => {
    const body = { name: 'Ops', slug: `ops-${Date.now()}` };
    const post = (token: string) => h.api.post<{ code: string }>('/api/v1/categories', body, { token });
    const expired = await post(signToken(randomUUID(), 'admin', { expiresIn: -10 }));
    expect(expired.status).to.equal(401);
    expect(expired.body.code).to.equal('UNAUTHENTICATED');
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = jwt.sign({ role: 'admin' }, stranger, { algorithm: 'ES256', keyid: 'catalog-test-key', issuer: ACCESS_TOKEN.issuer, audience: ACCESS_TOKEN.audience, subject: randomUUID(), expiresIn: 60 });
    expect((await post(foreign)).status).to.equal(401);
    expect((await post(signToken(randomUUID(), 'admin', { audience: 'someone-else' }))).status).to.equal(401);
    expect((await post(h.adminToken())).status).to.equal(201);
  });
});
