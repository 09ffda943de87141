import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { DEFAULT_EXCHANGE } from '@commerce/shared';

/** Every message type of the checkout saga: commands, answers and the order's outcome events. */
export const SAGA_MESSAGE_TYPES = [
  'cart.cart.checked-out',
  'catalog.reserve-stock',
  'catalog.commit-stock',
  'catalog.release-stock',
  'catalog.restock',
  'catalog.stock.reserved',
  'catalog.stock.reservation-rejected',
  'catalog.stock.committed',
  'catalog.stock.released',
  'catalog.stock.restocked',
  'payment.authorize-payment',
  'payment.refund-payment',
  'payment.payment.completed',
  'payment.payment.failed',
  'payment.payment.refunded',
  'order.order.confirmed',
  'order.order.cancelled',
] as const;

/**
 * Duplicate delivery, on purpose: a queue of our own bound to every saga message type; each
 * message it sees for the first time is published again, byte for byte (same messageId), with
 * the same routing key, once per entry of `delaysMs`: by default at once (a copy racing the
 * original) and half a second later (a copy arriving after the original was handled). The copies
 * come back to us too and are recognised by their messageId, so nothing loops.
 */
export class Duplicator {
  private readonly seen = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly duplicated = new Map<string, number>();

  private constructor(
    private readonly model: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly queue: string,
  ) {}

  static async start(amqpUrl: string, { types = SAGA_MESSAGE_TYPES, delaysMs = [0, 500] }: { types?: readonly string[]; delaysMs?: number[] } = {}): Promise<Duplicator> {
    const model = await amqp.connect(amqpUrl, { noDelay: true });
    const channel = await model.createConfirmChannel();
    const queue = `acceptance.duplicator.${randomUUID()}`;
    await channel.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
    for (const type of types) await channel.bindQueue(queue, DEFAULT_EXCHANGE, type);
    const duplicator = new Duplicator(model, channel, queue);
    await channel.consume(queue, (message) => {
      if (!message) return;
      const id = String(message.properties.messageId ?? '');
      if (id && !duplicator.seen.has(id)) {
        duplicator.seen.add(id);
        const type = message.fields.routingKey;
        duplicator.duplicated.set(type, (duplicator.duplicated.get(type) ?? 0) + 1);
        const publish = () => channel.publish(DEFAULT_EXCHANGE, type, message.content, { ...message.properties, headers: message.properties.headers ?? {} });
        for (const delay of delaysMs) {
          if (delay === 0) publish();
          else {
            const timer = setTimeout(() => {
              duplicator.timers.delete(timer);
              publish();
            }, delay);
            duplicator.timers.add(timer);
          }
        }
      }
      channel.ack(message);
    });
    return duplicator;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.channel.waitForConfirms().catch(() => undefined);
    await this.channel.deleteQueue(this.queue).catch(() => undefined);
    await this.model.close().catch(() => undefined);
  }
}

/** Publishes raw bytes straight to one queue (the default exchange), as a broken producer might. */
export async function sendToQueue(amqpUrl: string, queue: string, content: Buffer, options: amqp.Options.Publish = {}): Promise<void> {
  const model = await amqp.connect(amqpUrl);
  try {
    const channel = await model.createConfirmChannel();
    channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json', messageId: randomUUID(), ...options });
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await model.close();
  }
}

/**
 * Deletes one parked message from a dead-letter queue (what an operator does with garbage, once
 * understood): takes every waiting message, acks the one with that messageId, and closes the
 * channel, which puts the others back where they were. Returns whether it was found.
 */
export async function discardParked(amqpUrl: string, dlq: string, messageId: string): Promise<boolean> {
  const model = await amqp.connect(amqpUrl);
  try {
    const channel = await model.createChannel();
    const { messageCount } = await channel.checkQueue(dlq);
    let found = false;
    for (let i = 0; i < messageCount && !found; i++) {
      const message = await channel.get(dlq, { noAck: false });
      if (message === false) break;
      if (message.properties.messageId === messageId) {
        channel.ack(message);
        found = true;
      }
    }
    await channel.close();
    return found;
  } finally {
    await model.close();
  }
}

/** Messages waiting in a queue (e.g. `order.saga.dlq`). */
export async function queueDepth(amqpUrl: string, queue: string): Promise<number> {
  const model = await amqp.connect(amqpUrl);
  try {
    const channel = await model.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  } finally {
    await model.close();
  }
}

// --- broker outage --------------------------------------------------------------------------

/**
 * RabbitMQ down: the broker application stops (every connection drops, the port closes) while
 * its Erlang node keeps running, so `startBroker` brings it back the way it was, data included.
 * That is what a broker restart looks like to the services, on a machine where RabbitMQ was started
 * with `rabbitmq-server -detached` (scripts/infra.sh) rather than by an init system.
 */
export function stopBroker(): void {
  // A run interrupted during the outage (Ctrl-C, a CI timeout) must not leave the broker down.
  process.once('SIGINT', restoreAndExit);
  process.once('SIGTERM', restoreAndExit);
  execFileSync('rabbitmqctl', ['-q', 'stop_app'], { stdio: 'pipe', timeout: 60_000 });
}

function restoreAndExit(signal: NodeJS.Signals): void {
  try {
    execFileSync('rabbitmqctl', ['-q', 'start_app'], { stdio: 'inherit', timeout: 120_000 });
  } finally {
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
}

/** Starts the broker application again and waits until it accepts AMQP connections. */
export async function startBroker(port = 5672, timeoutMs = 120_000): Promise<void> {
  process.off('SIGINT', restoreAndExit);
  process.off('SIGTERM', restoreAndExit);
  execFileSync('rabbitmqctl', ['-q', 'start_app'], { stdio: 'pipe', timeout: timeoutMs });
  execFileSync('rabbitmqctl', ['-q', 'await_startup', '--timeout', String(Math.ceil(timeoutMs / 1000))], { stdio: 'pipe', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  while (!(await tcpOpen('127.0.0.1', port))) {
    if (Date.now() > deadline) throw new Error(`RabbitMQ does not accept connections on ${port} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
