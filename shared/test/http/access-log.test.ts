import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { MemoryTransport } from '../../src/testing/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { traceContext } from '../../src/http/trace.js';
import { accessLog } from '../../src/http/access-log.js';


describe('access log', () => {
  let server: Server;
  let base: string;
  const memory = new MemoryTransport();

  before(async () => {
    const app = express();
    app.use(traceContext, accessLog(createLogger('test', 'info', [memory])));
    app.get('/api/things/:id', (_req, res) => void res.status(201).json({}));
    app.get('/health/live', (_req, res) => void res.json({}));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => void server.close());

  it('when a request is served, then one line has the route template, status, duration and the trace id, but no query string', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`${base}/api/things/42?token=secret`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    await fetch(`${base}/health/live`);
    expect(memory.lines).to.have.length(1);
    expect(memory.lines[0]).to.include({ message: 'request', method: 'GET', route: '/api/things/:id', status: 201, traceId });
    expect(memory.lines[0]!.durationMs).to.be.a('number');
    expect(JSON.stringify(memory.lines)).not.to.contain('secret');
  });
});
