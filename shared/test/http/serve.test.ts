import { expect } from 'chai';
import { Agent, request } from 'node:http';
import express from 'express';
import { KEEP_ALIVE_TIMEOUT_MS, serve, type RunningService } from '../../src/serve.js';
import { quietLogger } from '../support/logger.js';

/** GET through `agent`; resolves with the local port of the socket it went over. */
function localPortOf(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket!.localPort!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve: keep-alive connections outlive the gateway’s', () => {
  let running: RunningService | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  afterEach(async () => {
    agent.destroy();
    await running?.close();
    running = undefined;
  });

  it('when a connection idles 8 s (past Node’s 5 s default), then the next request reuses it (a gateway sending on it meanwhile gets no reset)', async function () {
    this.timeout(20_000);
    expect(KEEP_ALIVE_TIMEOUT_MS).to.be.above(60_000); // nginx's and ingress-nginx's upstream keepalive_timeout
    const app = express();
    app.get('/', (_req, res) => void res.json({ ok: true }));
    running = await serve(app, { service: 'kit', port: 0, logger: quietLogger(), closers: [], shutdownTimeoutMs: 5_000 });
    const first = await localPortOf(running.url, agent);
    // Node closes an idle connection a second or two after its 5 s default: 8 s is past that for sure.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(await localPortOf(running.url, agent), 'the same connection').to.equal(first);
  });
});
