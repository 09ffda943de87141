import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Redis } from 'ioredis';
import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/registry.js';
import { traceContext } from './trace.js';
import { httpMetrics } from './metrics.js';
import { accessLog } from './access-log.js';
import { opsRouter, type ReadinessCheck } from './health.js';
import { redisRateLimit } from './rate-limit.js';
import { problemHandler } from './problem.js';
import { NotFoundError } from '../errors.js';

export interface AppOptions {
  service: string;
  /** The service's OpenAPI document, already parsed. */
  spec: object;
  logger: Logger;
  metrics: Metrics;
  redis: Redis;
  orm: MikroORM;
  checks: Record<string, ReadinessCheck>;
  config: {
    NODE_ENV: string;
    CORS_ORIGINS: string;
    TRUST_PROXY: string;
    RATE_LIMIT_PER_MINUTE: number;
  };
  /** Mounts the service's /api/v1 routes. */
  routes: (router: Router) => void;
}

export const BODY_LIMIT = '100kb';

/**
 * Every service's HTTP stack, in one order: context and metrics first (so even rejected requests
 * are traced and counted), security headers, ops endpoints, the shared rate limit, body parsing,
 * contract validation of requests and responses, the service's routes, and one error handler.
 */
export function createApp(options: AppOptions): Express {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);

  app.use(traceContext);
  app.use(httpMetrics(options.metrics));
  app.use(accessLog(logger));
  app.use(helmet());
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.use(cors({ origin: origins, exposedHeaders: ['Allow', 'ETag', 'Location', 'Retry-After', 'X-Request-Id', 'X-Correlation-Id', 'traceparent'] }));

  app.use(opsRouter({ checks: options.checks, registry: options.metrics.registry, spec: options.spec }));

  app.use(
    '/api',
    redisRateLimit({ redis: options.redis, logger, prefix: `${options.service}:api`, windowMs: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }),
  );
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: options.spec as never,
      validateApiSpec: true,
      validateRequests: { allowUnknownQueryParameters: false, removeAdditional: false },
      validateResponses:
        config.NODE_ENV === 'production'
          ? { onError: (error, body, req) => logger.error('response breaks the contract', { error: error.message, path: req.path, status: (body as { status?: number })?.status }) }
          : true,
      validateSecurity: false,
    }),
  );
  app.use((_req, _res, next) => RequestContext.create(options.orm.em, next));

  const api = express.Router();
  options.routes(api);
  app.use(api);
  app.use((_req, _res, next) => next(new NotFoundError()));
  app.use(problemHandler(logger));
  return app;
}
