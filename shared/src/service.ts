import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { KeyResolver } from './auth/verifier.js';
import { brokerCheck, databaseCheck } from './http/checks.js';
import { observeDatabase } from './db/metrics.js';
import { createApp, type AppOptions } from './http/app.js';
import type { ReadinessCheck } from './http/health.js';
import { loadOpenApiSpec } from './http/spec.js';
import type { Closer } from './lifecycle.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createBus, type Bus } from './messaging/bus.js';
import { OutboxRelay } from './messaging/relay.js';
import { createMetrics, type Metrics } from './metrics/registry.js';
import { closeRedis, createRedis } from './redis.js';
import { serve, type RunningService } from './serve.js';

/** How main.ts and the tests start a service. */
export interface ServiceStartOptions {
  /** In a process (main.ts): SIGTERM/SIGINT shut down and exit. Tests close it themselves. */
  handleSignals?: boolean;
  /** Default: config.PORT; tests pass 0 for a free one. */
  port?: number;
  /**
   * Where token keys come from. Default: the customer service's JWKS (config.JWKS_URL). Tests pass
   * a resolver of a key they sign with, so they need no customer service.
   */
  keyResolver?: KeyResolver;
  /**
   * The topic exchange the service publishes to and consumes from. Default: the kit's
   * (`commerce.events`). A test may take one of its own, so that other suites' services on the
   * shared test vhost neither answer its commands nor send it theirs.
   */
  exchange?: string;
}

/** What every service reads to start (see commonConfig). */
export type ServiceConfig = AppOptions['config'] & {
  LOG_LEVEL: string;
  PORT: number;
  DATABASE_URL: string;
  AMQP_URL: string;
  REDIS_URL: string;
  SHUTDOWN_TIMEOUT_MS: number;
};

/** The infrastructure every service has, opened by startService before the service wires itself. */
export interface ServiceInfrastructure {
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  redis: Redis;
  bus: Bus;
}

/** What a service adds to the common infrastructure. */
export interface ServiceParts {
  /** Mounts the service's /api/v1 routes. */
  routes: (router: Router) => void;
  /** Stopped first on shutdown, in this order (consumers, timers); relay, bus, database, Redis follow. */
  closers?: Closer[];
  /** Readiness checks beyond the database and the broker (Redis, where it is essential). */
  checks?: Record<string, ReadinessCheck>;
}

export interface ServiceDefinition<C extends ServiceConfig> {
  /** Its name in logs, metrics, the broker connection and contracts/openapi/<name>.yaml. */
  name: string;
  config: C;
  options?: ServiceStartOptions;
  /** Opens the service's database (its entities and migrations). */
  openDatabase: (url: string, logger: Logger) => Promise<MikroORM>;
  /** Builds the service's own parts (consumers, timers, routes) on the opened infrastructure. */
  wire: (infrastructure: ServiceInfrastructure) => Promise<ServiceParts> | ServiceParts;
}

/**
 * The composition every service shares: logger, metrics, database, Redis, bus and outbox relay,
 * then the service's own parts, the HTTP stack of createApp and a graceful `serve`. Whatever was
 * opened is closed again if the start fails half-way, so a test or a retrying main leaks nothing.
 */
export async function startService<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<RunningService> {
  const { name, config, options = {} } = definition;
  const logger = createLogger(name, config.LOG_LEVEL);
  const metrics = createMetrics(name);
  const opened: Closer[] = [];
  try {
    const orm = await definition.openDatabase(config.DATABASE_URL, logger);
    opened.unshift(() => orm.close());
    observeDatabase(orm, metrics.registry);
    const redis = createRedis(config.REDIS_URL, logger);
    opened.unshift(() => closeRedis(redis));
    const bus = createBus({ url: config.AMQP_URL, service: name, logger, registry: metrics.registry, ...(options.exchange ? { exchange: options.exchange } : {}) });
    opened.unshift(() => bus.close());
    const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, bus, logger, registry: metrics.registry });
    await relay.start();
    opened.unshift(() => relay.stop());
    const parts = await definition.wire({ logger, metrics, orm, redis, bus });
    opened.unshift(...(parts.closers ?? []));

    const app = createApp({
      service: name,
      spec: loadOpenApiSpec(name),
      logger,
      metrics,
      redis,
      orm,
      config,
      checks: { database: databaseCheck(orm), broker: brokerCheck(bus), ...parts.checks },
      routes: parts.routes,
    });
    return await serve(app, {
      service: name,
      port: options.port ?? config.PORT,
      logger,
      closers: opened,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      ...(options.handleSignals ? { handleSignals: true } : {}),
    });
  } catch (error) {
    for (const close of opened) await Promise.resolve(close()).catch(() => undefined);
    throw error;
  }
}
