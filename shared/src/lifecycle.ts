import type { Server } from 'node:http';
import type { Logger } from './logging/logger.js';

export type Closer = () => Promise<void> | void;

/**
 * Graceful shutdown: on SIGTERM/SIGINT stop accepting connections, let in-flight requests finish,
 * then close the rest (consumers, relay, pools) in the order given, with an overall deadline.
 */
export function closeGracefully(server: Server, closers: Closer[], logger: Logger, timeoutMs: number) {
  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    closing ??= (async () => {
      logger.info('shutting down', { signal });
      const timer = setTimeout(() => {
        logger.error('shutdown deadline passed; exiting', { timeoutMs });
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const close of closers) {
        try {
          await close();
        } catch (error) {
          logger.warn('error while closing', { error });
        }
      }
      logger.info('stopped');
    })();
    return closing;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(0)));
  process.once('SIGINT', () => void shutdown('SIGINT').then(() => process.exit(0)));
  return shutdown;
}
