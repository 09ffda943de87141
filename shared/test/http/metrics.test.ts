import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpMetrics, statusClass } from '../../src/http/metrics.js';
import { createMetrics, type Metrics } from '../../src/metrics/registry.js';
import { sampleOf } from '../support/metrics.js';

describe('httpMetrics: the four HTTP metrics', () => {
  let metrics: Metrics;
  let server: Server;
  let base: string;

  before(async () => {
    metrics = createMetrics('kit');
    const app = express();
    app.use(httpMetrics(metrics));
    app.get('/things/:id', (req, res) => void res.status(Number(req.query.status ?? 200)).json({ id: req.params.id }));
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  it('when requests answer 200, 404 and 503, then all four metrics carry status and status_class', async () => {
    for (const status of [200, 404, 503]) {
      await (await fetch(`${base}/things/x?status=${status}`)).text();
    }
    const text = await metrics.registry.metrics();
    for (const name of ['http_requests_total', 'http_request_duration_seconds_count', 'http_request_size_bytes_count', 'http_response_size_bytes_count']) {
      for (const [status, cls] of [['200', '2xx'], ['404', '4xx'], ['503', '5xx']] as const) {
        expect(sampleOf(text, name, { method: 'GET', route: '/things/:id', status, status_class: cls, service: 'kit' }), `${name} ${status}`).to.equal(1);
      }
    }
  });

  it('statusClass names the hundred of a code', () => {
    expect([101, 204, 302, 429, 500, 599].map(statusClass)).to.deep.equal(['1xx', '2xx', '3xx', '4xx', '5xx', '5xx']);
  });
});
