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

/** Listens (port 0 picks a free one), and returns the handle main.ts and the tests use to stop it. */
export async function serve(app: Express, options: ServeOptions): Promise<RunningService> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info(`${options.service} service listening`, { port });
  const shutdown = createShutdown(server, options.closers, options.logger, options.shutdownTimeoutMs);
  if (options.handleSignals) shutdownOnSignals(shutdown);
  return { url: `http://127.0.0.1:${port}`, server, close: () => shutdown('closed by its owner') };
}
