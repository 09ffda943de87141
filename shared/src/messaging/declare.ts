import amqp from 'amqplib';
import { DEFAULT_EXCHANGE, DEFAULT_RETRY_DELAYS_MS } from './bus.js';
import { declareConsumerQueues, declareExchange, type QueueType } from './topology.js';

export interface DeclareQueuesOptions {
  queue: string;
  bindings: string[];
  exchange?: string;
  /** Must match what the consumer declares (the broker refuses a different type). Default classic. */
  queueType?: QueueType;
  /** Must match the consumer's retry delays. Default DEFAULT_RETRY_DELAYS_MS. */
  retryDelaysMs?: number[];
}

/**
 * Declares a consumer's queues and bindings (exactly as `bus.consume` does) without consuming,
 * then disconnects. For a service's migrate step: its queue exists before the service first
 * starts, so events other services publish in between (a seed, for instance) wait in it instead
 * of being dropped by the exchange for want of a bound queue.
 */
export async function declareConsumerQueuesOnce(url: string, options: DeclareQueuesOptions): Promise<void> {
  const connection = await amqp.connect(url, { noDelay: true });
  try {
    const channel = await connection.createChannel();
    const exchange = options.exchange ?? DEFAULT_EXCHANGE;
    await declareExchange(channel, exchange);
    await declareConsumerQueues(channel, {
      exchange,
      queue: options.queue,
      bindings: options.bindings,
      queueType: options.queueType ?? 'classic',
      retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    });
    await channel.close();
  } finally {
    await connection.close();
  }
}
