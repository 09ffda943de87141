import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MikroORM } from '@mikro-orm/postgresql';

/** Queries slower than this count as slow (db_slow_queries_total). */
export const SLOW_QUERY_SECONDS = 1;

const OPERATIONS = new Set(['select', 'insert', 'update', 'delete']);

/** select | insert | update | delete | other, from a statement's first keyword (a `with …` query is other). */
export function operationOf(sql: string): string {
  const keyword = /^\s*\(*\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? '';
  return OPERATIONS.has(keyword) ? keyword : 'other';
}

/** What knex says of one query in its `query`, `query-response` and `query-error` events. */
interface KnexQuery {
  __knexQueryUid?: string;
  sql?: string;
}

/** The part of tarn's pool (knex's) the gauges read. */
interface Pool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * The database metrics of one registry: query count, duration and slow queries by operation, and
 * the connection pool of the ORM last observed. One per registry (prom-client refuses a name twice).
 */
class DatabaseMetrics {
  readonly queries: Counter<'operation'>;
  readonly duration: Histogram<'operation'>;
  readonly slow: Counter<'operation'>;
  pool: (() => Pool | undefined) | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.queries = new Counter({ name: 'db_queries_total', help: 'Database queries run (failed ones included)', labelNames: ['operation'], registers });
    this.duration = new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Database query duration',
      labelNames: ['operation'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.slow = new Counter({ name: 'db_slow_queries_total', help: `Database queries slower than ${SLOW_QUERY_SECONDS} s`, labelNames: ['operation'], registers });
    const pool = () => this.pool?.();
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of the pool: used (checked out), free (idle), pending (callers waiting for one)',
      labelNames: ['state'],
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'used' }, p.numUsed());
        this.set({ state: 'free' }, p.numFree());
        this.set({ state: 'pending' }, p.numPendingAcquires());
      },
    });
    new Gauge({
      name: 'db_pool_max',
      help: 'Most connections the pool opens',
      registers,
      collect() {
        const p = pool();
        if (p) this.set(p.max);
      },
    });
  }
}

const byRegistry = new WeakMap<Registry, DatabaseMetrics>();

/**
 * Counts and times every query the ORM runs (through its knex client, transactions included) and
 * reports its connection pool, in `registry`. startService calls it for every service's ORM.
 * Transaction control (BEGIN, COMMIT, ROLLBACK) carries no query id in knex and is not counted.
 */
export function observeDatabase(orm: MikroORM, registry: Registry): void {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new DatabaseMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  const db = metrics;
  const knex = orm.em.getConnection().getKnex();
  const started = new Map<string, bigint>();
  const done = (query: KnexQuery) => {
    const uid = query.__knexQueryUid;
    const start = uid === undefined ? undefined : started.get(uid);
    if (uid === undefined || start === undefined) return;
    started.delete(uid);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const labels = { operation: operationOf(query.sql ?? '') };
    db.queries.inc(labels);
    db.duration.observe(labels, seconds);
    if (seconds > SLOW_QUERY_SECONDS) db.slow.inc(labels);
  };
  knex.on('query', (query: KnexQuery) => {
    if (query.__knexQueryUid !== undefined) started.set(query.__knexQueryUid, process.hrtime.bigint());
  });
  knex.on('query-response', (_response: unknown, query: KnexQuery) => done(query));
  knex.on('query-error', (_error: unknown, query: KnexQuery) => done(query));
  // knex drops its pool on destroy (orm.close()); the gauges then report nothing.
  db.pool = () => (knex.client as { pool?: Pool }).pool;
}
