import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from './logging/logger.js';
import { createShutdown, shutdownOnSignals, type Closer } from './lifecycle.js';

export interface RunningService {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

export interface ServeOptions {
  service: string;
  port: number;
  logger: Logger;
  /** Closed in this order after the server stopped: workers, relay, broker, pools. */
  closers: Closer[];
  shutdownTimeoutMs: number;
  /** In a process (main.ts): SIGTERM/SIGINT shut down and exit. Tests close it themselves. */
  handleSignals?: boolean;
}

/**
 * How long an idle keep-alive connection stays open. The gateway keeps idle connections to a
 * service for up to 60 s (nginx's and ingress-nginx's upstream keepalive_timeout; the local
 * gateway's is 30 s). Node's default is 5 s: a request the gateway sends on a connection just as
 * Node closes it is reset, and nginx answers 502 without retrying a POST. So the service outlives
 * the gateway's timeout; graceful shutdown still closes idle connections at once (lifecycle.ts).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Listens (port 0 picks a free one), and returns the handle main.ts and the tests use to stop it. */
export async function serve(app: Express, options: ServeOptions): Promise<RunningService> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port, () => resolve(s));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Above keepAliveTimeout, as Node's docs advise, so a slow request's headers don't race it.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const { port } = server.address() as AddressInfo;
  options.logger.info(`${options.service} service listening`, { port });
  const shutdown = createShutdown(server, options.closers, options.logger, options.shutdownTimeoutMs);
  if (options.handleSignals) shutdownOnSignals(shutdown);
  return { url: `http://127.0.0.1:${port}`, server, close: () => shutdown('closed by its owner') };
}
