import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { useCustomerService } from '../support/harness.js';
import { startCustomerService } from '../../src/service.js';
import { signedUpCustomer } from '../support/accounts.js';

describe('ops endpoints and the HTTP stack', () => {
  const h = useCustomerService({ CORS_ORIGINS: 'https://shop.example' });

  it('when probed, then live is 200 and ready reports database, broker and redis up', async () => {
    expect((await h.api.get('/health/live')).status).to.equal(200);
    // The broker connection is made in the background after start-up: ready follows it.
    await eventually(async () => {
      const ready = await h.api.get<{ status: string; checks: Record<string, string> }>('/health/ready');
      expect(ready.body.checks).to.deep.equal({ database: 'up', broker: 'up', redis: 'up' });
      expect(ready.status).to.equal(200);
    });
  });

  it('when scraped, then /metrics has HTTP metrics labelled by route template, and Node defaults', async () => {
    const me = await signedUpCustomer(h.api);
    await h.api.get(`/api/v1/customers/me/addresses/${me.id}`, { token: me.accessToken });
    const metrics = await h.api.get<string>('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.body).to.match(/http_requests_total\{[^}]*route="\/api\/v1\/auth\/register"[^}]*status="201"/);
    expect(metrics.body).to.contain('http_request_duration_seconds_bucket');
    expect(metrics.body).to.contain('process_resident_memory_bytes');
    expect(metrics.body).not.to.contain(me.id);
  });

  it('when asked, then /openapi.json serves the contract', async () => {
    const spec = await h.api.get<{ openapi: string; paths: Record<string, unknown> }>('/openapi.json');
    expect(spec.body.openapi).to.match(/^3\.0/);
    expect(Object.keys(spec.body.paths)).to.include('/api/v1/auth/register');
  });

  it('when a traceparent comes in, then the trace id is continued and a request id is returned', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await h.api.get('/health/live', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'req-123' } });
    expect(res.headers.get('traceparent')).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(res.headers.get('x-request-id')).to.equal('req-123');
    const fresh = await h.api.get('/health/live');
    expect(fresh.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('when an error happens, then its problem carries the trace id of the response', async () => {
    const res = await h.api.get<{ traceId: string; code: string }>('/api/v1/nowhere');
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('NOT_FOUND');
    expect(res.headers.get('traceparent')).to.contain(res.body.traceId);
  });

  it('when a method is not in the contract, then 405 METHOD_NOT_ALLOWED', async () => {
    const res = await h.api.request<{ code: string }>('DELETE', '/api/v1/auth/register');
    expect(res.status).to.equal(405);
    expect(res.body.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('when an unknown query parameter is sent, then 400', async () => {
    const me = await signedUpCustomer(h.api);
    expect((await h.api.get('/api/v1/customers/me/addresses?sort=x', { token: me.accessToken })).status).to.equal(400);
  });

  it('when the origin is allowed, then CORS headers are sent; when not, then none', async () => {
    const allowed = await h.api.get('/health/live', { headers: { origin: 'https://shop.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://shop.example');
    const other = await h.api.get('/health/live', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('when any response goes out, then helmet security headers are on it and no x-powered-by', async () => {
    const res = await h.api.get('/health/live');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('content-security-policy')).to.be.a('string');
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });
});

describe('the shared API rate limit', () => {
  const h = useCustomerService({ RATE_LIMIT_PER_MINUTE: '3' });

  it('when a client exceeds the per-minute limit, then 429 RATE_LIMITED with RateLimit headers and Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof h.api.get>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await h.api.get('/api/v1/auth/jwks.json');
      statuses.push(last.status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    expect(last!.headers.get('ratelimit-limit')).to.equal('3');
    expect(last!.headers.get('ratelimit-remaining')).to.equal('0');
    expect(Number(last!.headers.get('retry-after'))).to.be.within(1, 60);
    expect((last!.body as { code: string }).code).to.equal('RATE_LIMITED');
  });

  it('when the counters are in Redis, then a second replica shares them', async () => {
    const replica = await startCustomerService(h.config, { port: 0 });
    try {
      for (let i = 0; i < 3; i++) expect((await h.api.get('/api/v1/auth/jwks.json')).status).to.equal(200);
      const res = await fetch(`${replica.url}/api/v1/auth/jwks.json`);
      expect(res.status).to.equal(429);
    } finally {
      await replica.close();
    }
  });
});
