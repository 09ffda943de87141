import { Registry, collectDefaultMetrics, Counter, Histogram } from 'prom-client';

export interface Metrics {
  registry: Registry;
  http: {
    requests: Counter<HttpLabel>;
    duration: Histogram<HttpLabel>;
    requestSize: Histogram<HttpLabel>;
    responseSize: Histogram<HttpLabel>;
  };
}

/** `status_class` ("2xx", "4xx", "5xx") lets rules and dashboards select error rates without a regex on `status`. */
const LABELS = ['method', 'route', 'status', 'status_class'] as const;
type HttpLabel = (typeof LABELS)[number];
const SIZE_BUCKETS = [100, 1_000, 10_000, 100_000, 1_000_000];

/** One registry per process, labelled with the service; Node's default metrics included. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    http: {
      requests: new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: LABELS, registers: [registry] }),
      duration: new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration',
        labelNames: LABELS,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
        registers: [registry],
      }),
      requestSize: new Histogram({ name: 'http_request_size_bytes', help: 'HTTP request body size', labelNames: LABELS, buckets: SIZE_BUCKETS, registers: [registry] }),
      responseSize: new Histogram({ name: 'http_response_size_bytes', help: 'HTTP response body size', labelNames: LABELS, buckets: SIZE_BUCKETS, registers: [registry] }),
    },
  };
}
