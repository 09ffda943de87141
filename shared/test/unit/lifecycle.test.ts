import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createShutdown } from '../../src/lifecycle.js';
import { createLogger } from '../../src/logging/logger.js';
import { MemoryTransport } from '../../src/testing/index.js';

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('graceful shutdown', () => {
  it('when shutting down, then the request in flight finishes, new connections are refused, and closers run in order', async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end('done'), 150));
    const url = await listening(server);
    const order: string[] = [];
    const logs = new MemoryTransport();
    const closers = [() => void order.push('relay'), async () => void order.push('broker'), () => void order.push('pool')];
    const shutdown = createShutdown(server, closers, createLogger('t', 'info', [logs]), 5_000);

    const inFlight = fetch(url).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 30));
    const closing = shutdown('test');
    expect(shutdown('again')).to.equal(closing);
    expect(await inFlight).to.equal('done');
    await closing;
    expect(order).to.deep.equal(['relay', 'broker', 'pool']);
    let refused = false;
    await fetch(url).catch(() => (refused = true));
    expect(refused).to.equal(true);
    expect(logs.lines.map((l) => l.message)).to.deep.equal(['shutting down', 'stopped']);
  });

  it('when a closer fails, then the others still run and the failure is logged', async () => {
    const server = createServer();
    await listening(server);
    const ran: string[] = [];
    const logs = new MemoryTransport();
    const failing = () => {
      throw new Error('relay stuck');
    };
    await createShutdown(server, [failing, () => void ran.push('pool')], createLogger('t', 'info', [logs]), 5_000)('test');
    expect(ran).to.deep.equal(['pool']);
    expect(logs.lines.some((l) => l.message === 'error while closing')).to.equal(true);
  });
});
