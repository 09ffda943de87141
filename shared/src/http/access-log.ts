import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { currentContext } from '../logging/context.js';
import { routeOf } from './route-of.js';

const QUIET = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One line per request, with the route template rather than the raw URL (no query strings, so no
 * tokens or emails), the status and the duration. Probes and scrapes log at debug only.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // 'finish' may fire outside the request's async context: keep its ids now.
    const context = currentContext();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const level = QUIET.has(req.path) ? 'debug' : res.statusCode >= 500 ? 'error' : 'info';
      logger.log(level, 'request', {
        traceId: context?.traceId,
        correlationId: context?.correlationId,
        requestId: context?.requestId,
        method: req.method, route: routeOf(req), status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10,
      });
    });
    next();
  };
}
