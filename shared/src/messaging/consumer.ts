import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { newSpanId, newTraceId, runWithContext, type RequestContext } from '../logging/context.js';
import type { Logger } from '../logging/logger.js';
import { sendConfirmed } from './confirms.js';
import type { Envelope } from './envelope.js';
import { HEADERS, attemptOf, errorHeaders, forwardProperties } from './headers.js';
import { runWithMessage } from './message-context.js';
import { UNKNOWN_TYPE, type MessagingMetrics } from './metrics.js';
import type { MessageSchemas } from './schemas.js';
import { declareConsumerQueues, queueNames, type QueueType } from './topology.js';

export interface ConsumeOptions<TData = Record<string, unknown>> {
  /** Durable queue name, e.g. `catalog.reserve-stock`; `<queue>.retry.N` and `<queue>.dlq` come with it. */
  queue: string;
  /** Routing keys (message types; `*`/`#` wildcards allowed) the queue is bound to. */
  bindings: string[];
  /** Resolves after its effect is committed (use Inbox.handle); only then is the message acked. */
  handle: (envelope: Envelope<TData>) => Promise<void>;
  /** Unacked messages handled at once. Default 10. */
  prefetch?: number;
  /** Default: the bus's `queueType`. */
  queueType?: QueueType;
  /** Delay before each retry; a failure after the last one parks the message. Default: the bus's. */
  retryDelaysMs?: number[];
}

export interface Consumer {
  readonly queue: string;
  /** Stops taking messages, waits for the ones in hand, closes the channel. */
  stop(): Promise<void>;
}

export type DeadLetterReason = 'poison' | 'retries-exhausted';

export interface RunnerDeps {
  exchange: string;
  schemas: MessageSchemas;
  logger: Logger;
  metrics: MessagingMetrics | undefined;
  /** Called when the channel closed although nobody stopped the consumer. */
  onChannelLost: (runner: ConsumerRunner) => void;
  drainTimeoutMs: number;
}

type Settings = Required<Omit<ConsumeOptions, 'handle'>> & { handle: (envelope: Envelope) => Promise<void> };

/**
 * One consumer on its own confirm channel (so a failing consumer can't take the publisher down,
 * and retries/parking are confirmed before the original is acked). Restartable: the bus calls
 * start() again with the new connection after a reconnect.
 */
export class ConsumerRunner implements Consumer {
  private channel: ConfirmChannel | undefined;
  private consumerTag: string | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;
  private inFlight = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly deps: RunnerDeps,
  ) {}

  get queue(): string {
    return this.settings.queue;
  }

  get active(): boolean {
    return this.channel !== undefined;
  }

  start(model: ChannelModel): Promise<void> {
    if (this.stopped || this.channel) return Promise.resolve();
    this.starting ??= this.open(model).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await this.closeChannel();
  }

  private async closeChannel(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    if (this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await this.drained();
    this.channel = undefined;
    // Whatever is still unacked goes back to the queue when the channel closes.
    await channel.close().catch(() => undefined);
  }

  private async open(model: ChannelModel): Promise<void> {
    const { queue, bindings, queueType, retryDelaysMs, prefetch } = this.settings;
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => this.deps.logger.warn('consumer channel error', { queue, error }));
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.consumerTag = undefined;
      if (!this.stopped) this.deps.onChannelLost(this);
    });
    try {
      await declareConsumerQueues(channel, { exchange: this.deps.exchange, queue, bindings, queueType, retryDelaysMs });
      await channel.prefetch(prefetch);
      this.channel = channel;
      const { consumerTag } = await channel.consume(queue, (message) => this.onDelivery(channel, message));
      this.consumerTag = consumerTag;
    } catch (error) {
      this.channel = undefined;
      await channel.close().catch(() => undefined);
      throw error;
    }
    // stop() may have been called while we were opening; it waits for us, so finish its job here.
    if (this.stopped) await this.closeChannel();
  }

  private onDelivery(channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (queue deleted): closing the channel makes the bus re-declare and resume.
      this.deps.logger.warn('consumer cancelled by the broker', { queue: this.queue });
      channel.close().catch(() => undefined);
      return;
    }
    this.inFlight += 1;
    void this.process(channel, message).finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.onIdle?.();
    });
  }

  /** Never rejects: every outcome ends in an ack, or in no ack so the broker redelivers. */
  private async process(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const attempt = attemptOf(message);
    let envelope: Envelope;
    try {
      envelope = this.deps.schemas.parse(message.content);
    } catch (error) {
      await runWithContext(unreadableContext(message), () =>
        this.settle(channel, message, () => this.park(channel, message, UNKNOWN_TYPE, 'poison', attempt, error)),
      );
      return;
    }
    // Every line about this delivery (handled, retried, parked) and of its handler carries the message's ids.
    const context = { traceId: envelope.traceId, spanId: newSpanId(), correlationId: envelope.correlationId };
    await runWithContext(context, () => this.handleParsed(channel, message, envelope, attempt));
  }

  private async handleParsed(channel: ConfirmChannel, message: ConsumeMessage, envelope: Envelope, attempt: number): Promise<void> {
    const started = performance.now();
    const timer = this.deps.metrics?.handleDuration.startTimer({ type: envelope.type, queue: this.queue });
    try {
      await runWithMessage({ envelope, queue: this.queue, attempt }, () => this.settings.handle(envelope));
      timer?.();
    } catch (error) {
      timer?.();
      const retries = this.settings.retryDelaysMs.length;
      await this.settle(channel, message, () =>
        attempt <= retries ? this.retry(channel, message, envelope, attempt, error) : this.park(channel, message, envelope.type, 'retries-exhausted', attempt, error),
      );
      return;
    }
    this.deps.metrics?.consumed.inc({ type: envelope.type, queue: this.queue });
    // At info: one line per message handled is what lets a checkout be followed hop by hop.
    this.deps.logger.info('message handled', { queue: this.queue, type: envelope.type, messageId: envelope.messageId, attempt, ms: Math.round(performance.now() - started) });
    await this.settle(channel, message);
  }

  private async retry(channel: ConfirmChannel, message: ConsumeMessage, envelope: Envelope, attempt: number, error: unknown): Promise<void> {
    const target = queueNames(this.queue).retry(attempt);
    await sendConfirmed(channel, target, message.content, forwardProperties(message, { ...errorHeaders(error), [HEADERS.attempt]: attempt + 1 }));
    this.deps.metrics?.retried.inc({ type: envelope.type, queue: this.queue });
    this.deps.logger.warn('message handler failed; will retry', { queue: this.queue, type: envelope.type, messageId: envelope.messageId, attempt, retryQueue: target, error });
  }

  private async park(channel: ConfirmChannel, message: ConsumeMessage, type: string, reason: DeadLetterReason, attempt: number, error: unknown): Promise<void> {
    const headers = {
      ...errorHeaders(error),
      [HEADERS.reason]: reason,
      [HEADERS.attempt]: attempt,
      [HEADERS.failedAt]: new Date().toISOString(),
      [HEADERS.originalQueue]: this.queue,
    };
    await sendConfirmed(channel, queueNames(this.queue).dlq, message.content, forwardProperties(message, headers));
    this.deps.metrics?.deadLettered.inc({ type, queue: this.queue, reason });
    this.deps.logger.error('message dead-lettered', { queue: this.queue, type, reason, messageId: message.properties.messageId as unknown, attempt, error });
  }

  /**
   * Acks once the message is safe elsewhere (handled, or confirmed in a retry queue or the DLQ).
   * If forwarding failed, the message is requeued; if the channel is gone, the broker redelivers
   * it by itself (the inbox makes the repeat harmless).
   */
  private async settle(channel: ConfirmChannel, message: ConsumeMessage, forward?: () => Promise<void>): Promise<void> {
    try {
      await forward?.();
      channel.ack(message);
    } catch (error) {
      this.deps.logger.warn('could not settle message; it will be redelivered', { queue: this.queue, messageId: message.properties.messageId as unknown, error });
      try {
        channel.nack(message, false, true);
      } catch {
        // Channel closed: nothing to do, the broker requeues unacked messages.
      }
    }
  }

  private async drained(): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.onIdle = resolve;
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.deps.drainTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (this.inFlight > 0) this.deps.logger.warn('stopped consumer with messages still in hand', { queue: this.queue, inFlight: this.inFlight });
  }
}

/** A message that can't be parsed has no trustworthy ids: a new trace, correlated by what AMQP says it is. */
function unreadableContext(message: ConsumeMessage): RequestContext {
  const { correlationId, messageId } = message.properties as { correlationId?: unknown; messageId?: unknown };
  const id = typeof correlationId === 'string' && correlationId ? correlationId : typeof messageId === 'string' && messageId ? messageId : 'unknown';
  return { traceId: newTraceId(), spanId: newSpanId(), correlationId: `unreadable:${id.slice(0, 128)}` };
}
