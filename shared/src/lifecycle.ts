import type { Server } from 'node:http';
import type { Logger } from './logging/logger.js';

export type Closer = () => Promise<void> | void;
export type Shutdown = (reason: string) => Promise<void>;

/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish, then close the rest
 * (consumers, relay, broker, pools) in the order given, with an overall deadline. Calling it again
 * returns the same shutdown in progress.
 */
export function createShutdown(server: Server, closers: Closer[], logger: Logger, timeoutMs: number): Shutdown {
  let closing: Promise<void> | undefined;
  return (reason) =>
    (closing ??= (async () => {
      logger.info('shutting down', { reason });
      const deadline = setTimeout(() => {
        logger.error('shutdown deadline passed; exiting', { timeoutMs });
        process.exit(1);
      }, timeoutMs);
      deadline.unref();
      // Keep-alive connections that finish a response after close() would otherwise linger until
      // their idle timeout; sweep them as they become idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(sweep);
      for (const close of closers) {
        try {
          await close();
        } catch (error) {
          logger.warn('error while closing', { error });
        }
      }
      clearTimeout(deadline);
      logger.info('stopped');
    })());
}

/** In a process: SIGTERM (Kubernetes, make down) and SIGINT shut down, then exit. */
export function shutdownOnSignals(shutdown: Shutdown): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }
}
