import type { RequestHandler } from 'express';
import { routeOf } from './route-of.js';
import type { Metrics } from '../metrics/registry.js';

export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.http.duration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode), status_class: statusClass(res.statusCode) };
      stop(labels);
      metrics.http.requests.inc(labels);
      metrics.http.requestSize.observe(labels, Number(req.get('content-length') ?? 0));
      metrics.http.responseSize.observe(labels, Number(res.getHeader('content-length') ?? 0));
    });
    next();
  };
}

/** "2xx", "4xx", "5xx" (and "1xx", "3xx") of an HTTP status code. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
