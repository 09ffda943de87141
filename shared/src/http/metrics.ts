import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../metrics/registry.js';

/** The route template, never the raw path, so ids don't explode the label cardinality. */
function routeOf(req: Request): string {
  const openapi = (req as Request & { openapi?: { openApiRoute?: string } }).openapi;
  if (openapi?.openApiRoute) return openapi.openApiRoute;
  const route = req.route as { path?: unknown } | undefined;
  if (typeof route?.path === 'string') return `${req.baseUrl}${route.path}`;
  return 'unmatched';
}

export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.http.duration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      stop(labels);
      metrics.http.requests.inc(labels);
      metrics.http.requestSize.observe(labels, Number(req.get('content-length') ?? 0));
      metrics.http.responseSize.observe(labels, Number(res.getHeader('content-length') ?? 0));
    });
    next();
  };
}
