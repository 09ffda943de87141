import type { Channel, Options } from 'amqplib';

export type QueueType = 'classic' | 'quorum';

/** The queues behind one consumer: main, one TTL queue per retry step, and the parking lot. */
export function queueNames(queue: string) {
  return {
    main: queue,
    retry: (attempt: number) => `${queue}.retry.${attempt}`,
    dlq: `${queue}.dlq`,
  };
}

/** One durable topic exchange carries every event and command; the routing key is the message type. */
export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

function queueOptions(queueType: QueueType, extra: Record<string, unknown> = {}): Options.AssertQueue {
  const args: Record<string, unknown> = { 'x-queue-type': queueType, ...extra };
  if (queueType === 'quorum' && 'x-dead-letter-exchange' in extra) {
    // Quorum queues dead-letter at-most-once unless told otherwise; a retry must not vanish.
    args['x-dead-letter-strategy'] = 'at-least-once';
    args['x-overflow'] = 'reject-publish';
  }
  return { durable: true, arguments: args };
}

export interface ConsumerTopology {
  exchange: string;
  queue: string;
  bindings: string[];
  queueType: QueueType;
  retryDelaysMs: number[];
}

/**
 * Declares (idempotently, so it is safe on every reconnect) the main queue bound to the routing
 * keys, the retry queues and the DLQ. A retry queue has no consumer: its TTL expires the message,
 * which is dead-lettered through the default exchange straight back to the main queue only, not
 * to every queue bound to its type. One TTL per queue keeps expiry FIFO, unlike per-message TTLs.
 * Changing a queue's type or a retry delay needs the queue deleted first (the broker refuses).
 */
export async function declareConsumerQueues(channel: Channel, topology: ConsumerTopology): Promise<void> {
  const names = queueNames(topology.queue);
  await channel.assertQueue(names.main, queueOptions(topology.queueType));
  for (const key of topology.bindings) await channel.bindQueue(names.main, topology.exchange, key);
  for (const [index, ttl] of topology.retryDelaysMs.entries()) {
    await channel.assertQueue(
      names.retry(index + 1),
      queueOptions(topology.queueType, { 'x-message-ttl': ttl, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.main }),
    );
  }
  await channel.assertQueue(names.dlq, queueOptions(topology.queueType));
}
