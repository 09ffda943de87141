import type { RequestHandler } from 'express';
import { routeOf } from './route-of.js';
import type { Metrics } from '../metrics/registry.js';

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
