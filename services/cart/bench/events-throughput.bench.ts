/**
 * How many events a second one cart process applies, end to end on the real broker and database:
 * N catalog.stock.changed events are published at once onto the cart's queue and handled by
 * `handleCartEvent` through the kit's bus (inbox + read-model upsert, one transaction each), as
 * consumeCartEvents does in the service, at several prefetch values. Measured from the first
 * publish to the last message handled; the lag of each message is its occurredAt → handled.
 *
 * Test environment only (database cart_test, vhost commerce_test), and alone on it: hold the
 * lock the test runs take.
 *   flock /tmp/locks/cart-test.lock scripts/env.sh cart test -- \
 *     node --conditions=development --import=tsx services/cart/bench/events-throughput.bench.ts >/dev/null
 * BENCH_EVENTS (2000) events per run; stdout carries the service's log lines (one per message at
 * info, as in production), the table goes to stderr.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createBus, createEnvelope, createLogger, createMetrics, type Consumer } from '@commerce/shared';
import { purgeQueue, truncateTables, waitForConsumer } from '@commerce/shared/testing';
import { loadCartConfig } from '../src/config.js';
import { openDatabase } from '../src/database.js';
import { CartMetrics } from '../src/metrics.js';
import { CART_EVENTS_QUEUE, CART_EVENT_TYPES, handleCartEvent, type CartEventDeps } from '../src/messaging/cart-events-consumer.js';
import { publishReport, type BenchRow } from '../../../shared/bench/results.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
if (!Number.isInteger(EVENTS) || EVENTS < 1) throw new Error(`BENCH_EVENTS must be a positive integer, not ${process.env.BENCH_EVENTS}`);
/** undefined: the bus's default (10), what the service runs with. */
const PREFETCHES: (number | undefined)[] = [1, undefined, 50];
/** A handful of hot products (row contention on the upsert), then every event its own product. */
const SPREADS = [5, EVENTS];
/** A run that has not drained by then is stuck, not slow. */
const RUN_TIMEOUT_MS = 180_000;
/** What this bench writes; truncated before and after, like the cart tests' wipe. */
const TABLES = 'product_snapshots, inbox';

const config = loadCartConfig();
const logger = createLogger('cart', config.LOG_LEVEL);
const metrics = createMetrics('cart');
const orm = await openDatabase(config.DATABASE_URL, logger);
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
// The service's own bus (consumer side) and, like the tests' harness, a second one playing the catalog.
const bus = createBus({ url: config.AMQP_URL, service: 'cart', logger, registry: metrics.registry });
const catalog = createBus({ url: config.AMQP_URL, service: 'cart-bench', logger: createLogger('cart-bench', 'error') });
const deps: CartEventDeps = { em: orm.em, logger, metrics: new CartMetrics(metrics.registry) };

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function cleanUp(): Promise<void> {
  await purgeQueue(config.AMQP_URL, CART_EVENTS_QUEUE);
  await truncateTables(db, TABLES);
}

async function run(prefetch: number | undefined, products: number, events = EVENTS): Promise<BenchRow> {
  await cleanUp();
  const productIds = Array.from({ length: products }, () => randomUUID());
  const lagsMs: number[] = [];
  const handlerMs: number[] = [];
  let lastHandledAt = 0;
  let drained!: () => void;
  const allHandled = new Promise<void>((resolve) => (drained = resolve));
  const consumer: Consumer = await bus.consume({
    queue: CART_EVENTS_QUEUE,
    bindings: [...CART_EVENT_TYPES],
    ...(prefetch === undefined ? {} : { prefetch }),
    handle: async (envelope) => {
      const started = performance.now();
      await handleCartEvent(deps, envelope);
      lastHandledAt = performance.now();
      handlerMs.push(lastHandledAt - started);
      lagsMs.push(Date.now() - Date.parse(envelope.occurredAt));
      if (lagsMs.length === events) drained();
    },
  });
  await waitForConsumer(config.AMQP_URL, CART_EVENTS_QUEUE);
  const before = process.memoryUsage();
  const cpuBefore = process.cpuUsage();

  const firstPublishAt = performance.now();
  // All at once (the bus keeps up to 256 unconfirmed): a burst, as a busy catalog sends them.
  let publishedAt = 0;
  const published = Promise.all(
    Array.from({ length: events }, (_, i) =>
      catalog.publish(
        createEnvelope({
          type: 'catalog.stock.changed',
          data: { productId: productIds[i % products], available: events - i, onHand: events, reserved: i },
        }),
      ),
    ),
  ).then(() => (publishedAt = performance.now()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`only ${lagsMs.length} of ${events} events handled after ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all([published, allHandled]), timeout]);
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
  const after = process.memoryUsage();
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - firstPublishAt;

  const seconds = (lastHandledAt - firstPublishAt) / 1000;
  const lags = [...lagsMs].sort((a, b) => a - b);
  const handlers = [...handlerMs].sort((a, b) => a - b);
  return {
    name: `prefetch ${prefetch ?? '10 (default)'}, ${products === events ? `${products} products (1 event each)` : `${products} products`}`,
    unit: 'msgs/s',
    rate: events / seconds,
    meanMs: mean(lags),
    p50Ms: quantile(lags, 0.5),
    p99Ms: quantile(lags, 0.99),
    samples: events,
    extra: {
      'all published after ms': Math.round(publishedAt - firstPublishAt),
      'handler mean ms': Number(mean(handlers).toFixed(2)),
      'handler p99 ms': Number(quantile(handlers, 0.99).toFixed(2)),
      // Near 100 %: this process's one JS thread is the limit, not the broker or the database.
      'process CPU %': Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
      'RSS MB before→after': `${mb(before.rss)}→${mb(after.rss)}`,
      'heap MB before→after': `${mb(before.heapUsed)}→${mb(after.heapUsed)}`,
    },
  };
}

const rows: BenchRow[] = [];
try {
  await orm.getMigrator().up();
  await Promise.all([bus.waitForConnection(15_000), catalog.waitForConnection(15_000)]);
  // Not reported: the first run would otherwise also measure the JIT and the pools warming up.
  await run(undefined, 5, Math.min(EVENTS, 200));
  for (const prefetch of PREFETCHES) {
    for (const products of SPREADS) rows.push(await run(prefetch, products));
  }
} finally {
  await cleanUp().catch((error: unknown) => logger.error('bench clean-up failed', { error }));
  await catalog.close();
  await bus.close();
  await db.end();
  await orm.close();
}

publishReport({
  id: 'cart-events-throughput',
  title: `Cart event consumer: ${EVENTS} catalog.stock.changed published at once, one process (services/cart/bench/events-throughput.bench.ts)`,
  latency: 'lag of each event: occurredAt (publish) → handled (committed); handler = handleCartEvent alone',
  rows,
  notes: [
    `msgs/s = events / (last handled − first publish). The database pool is 10 connections (the kit's default), so handlers beyond 10 at once wait for a connection.`,
    'RSS and heap are of the bench process (consumer and publisher), before the publish and after the last event; process CPU % is its CPU time over the run\'s wall time (publishing included).',
  ],
});
