import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface OutboxSample {
  backlog: number;
  oldestAgeSeconds: number;
}

/** Label for messages whose type can't be trusted (poison): keeps label cardinality bounded. */
export const UNKNOWN_TYPE = 'unknown';

/**
 * The messaging counters and outbox gauges of one registry. The bus and the relay of a process
 * share it (prom-client refuses a metric name twice per registry), hence `messagingMetrics()`.
 */
export class MessagingMetrics {
  readonly published: Counter<'type'>;
  readonly consumed: Counter<'type' | 'queue'>;
  readonly retried: Counter<'type' | 'queue'>;
  readonly deadLettered: Counter<'type' | 'queue' | 'reason'>;
  readonly handleDuration: Histogram<'type' | 'queue'>;
  private probe: (() => Promise<OutboxSample>) | undefined;
  private sample: { at: number; value: Promise<OutboxSample | undefined> } | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.published = new Counter({ name: 'messaging_published_total', help: 'Messages confirmed by the broker', labelNames: ['type'], registers });
    this.consumed = new Counter({ name: 'messaging_consumed_total', help: 'Messages handled successfully', labelNames: ['type', 'queue'], registers });
    this.retried = new Counter({ name: 'messaging_retried_total', help: 'Failed deliveries sent to a retry queue', labelNames: ['type', 'queue'], registers });
    this.deadLettered = new Counter({
      name: 'messaging_dead_lettered_total',
      help: 'Messages parked in a dead-letter queue (reason: poison or retries-exhausted)',
      labelNames: ['type', 'queue', 'reason'],
      registers,
    });
    this.handleDuration = new Histogram({
      name: 'messaging_handle_duration_seconds',
      help: "A consumer's handling of one delivery, whether the handler succeeded or failed",
      labelNames: ['type', 'queue'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const sampleOutbox = () => this.sampleOutbox();
    new Gauge({
      name: 'messaging_outbox_backlog',
      help: 'Outbox rows not yet published',
      registers,
      async collect() {
        const sample = await sampleOutbox();
        if (sample) this.set(sample.backlog);
      },
    });
    new Gauge({
      name: 'messaging_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none)',
      registers,
      async collect() {
        const sample = await sampleOutbox();
        if (sample) this.set(sample.oldestAgeSeconds);
      },
    });
  }

  /** The relay plugs its database in here. */
  setOutboxProbe(probe: () => Promise<OutboxSample>): void {
    this.probe = probe;
    this.sample = undefined;
  }

  /** Unplugs `probe` if it is still the one plugged in (another relay may have replaced it). */
  clearOutboxProbe(probe: () => Promise<OutboxSample>): void {
    if (this.probe !== probe) return;
    this.probe = undefined;
    this.sample = undefined;
  }

  /** One query per scrape for both gauges; a failing query leaves the last values (a scrape must not fail). */
  private sampleOutbox(): Promise<OutboxSample | undefined> {
    const probe = this.probe;
    if (!probe) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.sample || now - this.sample.at > 1_000) {
      this.sample = { at: now, value: probe().catch(() => undefined) };
    }
    return this.sample.value;
  }
}

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

export function messagingMetrics(registry: Registry | undefined): MessagingMetrics | undefined {
  if (!registry) return undefined;
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new MessagingMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
