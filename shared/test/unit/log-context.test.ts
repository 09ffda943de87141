import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { MemoryTransport } from '../../src/testing/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { PROCESS_CONTEXT, currentContext, runWithContext } from '../../src/logging/context.js';
import { traceContext } from '../../src/http/trace.js';
import { accessLog } from '../../src/http/access-log.js';
import { createEnvelope } from '../../src/messaging/envelope.js';
import { startPeriodic } from '../../src/periodic.js';
import { eventually } from '../../src/testing/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('log context: where traceId and correlationId come from', () => {
  describe('over HTTP', () => {
    let server: Server;
    let base: string;
    const memory = new MemoryTransport();
    const logger = createLogger('test', 'info', [memory]);
    let published: ReturnType<typeof createEnvelope> | undefined;

    before(async () => {
      const app = express();
      app.use(traceContext, accessLog(logger));
      app.post('/api/things', (_req, res) => {
        logger.info('thing made');
        published = createEnvelope({ type: 'test.thing.made', data: {} });
        res.status(201).json({});
      });
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    beforeEach(() => {
      memory.lines.length = 0;
      published = undefined;
    });
    after(() => void server.close());

    it('when the client sends a valid X-Correlation-Id, then it is echoed, on every line of the request, and on the messages it publishes', async () => {
      const res = await fetch(`${base}/api/things`, {
        method: 'POST',
        headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, 'x-correlation-id': 'basket-7:checkout' },
      });
      expect(res.headers.get('x-correlation-id')).to.equal('basket-7:checkout');
      expect(res.headers.get('traceparent')?.split('-')[1]).to.equal(TRACE);
      expect(memory.lines.map((l) => [l.message, l.traceId, l.correlationId])).to.deep.equal([
        ['thing made', TRACE, 'basket-7:checkout'],
        ['request', TRACE, 'basket-7:checkout'],
      ]);
      expect(published).to.include({ traceId: TRACE, correlationId: 'basket-7:checkout', causationId: null });
    });

    it('when the client sends none, then the request id is the correlation id, echoed in both headers', async () => {
      const res = await fetch(`${base}/api/things`, { method: 'POST' });
      const requestId = res.headers.get('x-request-id');
      expect(requestId).to.match(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-correlation-id')).to.equal(requestId);
      expect(memory.lines.every((l) => l.correlationId === requestId && l.requestId === requestId)).to.equal(true);
      expect(published?.correlationId).to.equal(requestId);
    });

    for (const [what, bad] of [
      ['too long', 'x'.repeat(129)],
      ['with a space', 'a b'],
      ['with a quote', 'a"b'],
      ['empty', ''],
    ] as const) {
      it(`when X-Correlation-Id is ${what}, then it is replaced by the request id and never echoed`, async () => {
        const res = await fetch(`${base}/api/things`, { method: 'POST', headers: { 'x-correlation-id': bad } });
        expect(res.headers.get('x-correlation-id')).to.equal(res.headers.get('x-request-id'));
        expect(JSON.stringify(memory.lines)).not.to.contain(bad || '"correlationId":""');
      });
    }
  });

  it('when a message names its own correlation (the saga: the order id), then that wins over the request\'s, and the trace is still the request\'s', () => {
    const envelope = runWithContext({ traceId: TRACE, spanId: 's', correlationId: 'req-1' }, () =>
      createEnvelope({ type: 'test.order.placed', correlationId: 'order-9', data: {} }),
    );
    expect(envelope).to.include({ traceId: TRACE, correlationId: 'order-9' });
  });

  it('when a line is logged outside any request, message or job, then it carries the process\'s own ids', () => {
    const memory = new MemoryTransport();
    createLogger('test', 'info', [memory]).info('listening');
    expect(currentContext()).to.equal(undefined);
    expect(memory.lines[0]).to.include({ traceId: PROCESS_CONTEXT.traceId, correlationId: PROCESS_CONTEXT.correlationId });
    expect(PROCESS_CONTEXT.traceId).to.match(/^[0-9a-f]{32}$/);
    expect(PROCESS_CONTEXT.correlationId).to.equal(`process:${PROCESS_CONTEXT.traceId.slice(0, 16)}`);
  });

  it('when a periodic job runs, then each pass has a trace of its own and a job:<name> correlation on its lines and messages', async () => {
    const memory = new MemoryTransport();
    const logger = createLogger('test', 'info', [memory]);
    const envelopes: ReturnType<typeof createEnvelope>[] = [];
    const job = startPeriodic({
      name: 'idle cart sweep',
      intervalMs: 5,
      logger,
      task: async () => {
        logger.info('swept');
        envelopes.push(createEnvelope({ type: 'test.cart.abandoned', data: {} }));
        if (envelopes.length === 1) throw new Error('database away');
      },
    });
    await eventually(() => expect(memory.lines.length).to.be.at.least(3));
    await job.stop();
    const [first, failed, second] = memory.lines;
    expect(failed).to.include({ message: 'idle cart sweep failed', traceId: first!.traceId, correlationId: first!.correlationId });
    expect(first!.correlationId).to.match(/^job:idle-cart-sweep:[0-9a-f]{16}$/);
    expect(first!.traceId).to.match(/^[0-9a-f]{32}$/);
    expect(second!.traceId).not.to.equal(first!.traceId);
    expect(first!.traceId).not.to.equal(PROCESS_CONTEXT.traceId);
    expect(envelopes[0]).to.include({ traceId: first!.traceId, correlationId: first!.correlationId });
  });
});
