import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { createEnvelope, DEFAULT_EXCHANGE, type Envelope } from '@commerce/shared';

/**
 * The order service's side of the bus, for tests: sends stock commands the way its outbox relay
 * would (persistent, routing key = type) and records every catalog.stock.* event published.
 */
export interface StockBus {
  received: Envelope[];
  send(type: string, data: Record<string, unknown>, messageId?: string): Promise<Envelope>;
  /** The events of one order (by data.orderId) or product (data.productId), in arrival order. */
  eventsOf(id: string): Envelope[];
}

export function useStockBus(amqpUrl: () => string): StockBus {
  const bus = { received: [] as Envelope[] } as StockBus;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  before(async () => {
    connection = await amqp.connect(amqpUrl(), { noDelay: true });
    channel = await connection.createConfirmChannel();
    await channel.assertExchange(DEFAULT_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, DEFAULT_EXCHANGE, 'catalog.stock.*');
    await channel.consume(queue, (msg) => msg && bus.received.push(JSON.parse(msg.content.toString()) as Envelope), { noAck: true });
  });
  afterEach(() => {
    bus.received.length = 0;
  });
  after(async () => {
    await connection?.close();
  });
  bus.send = async (type, data, messageId = randomUUID()) => {
    const envelope = createEnvelope({ type, data, messageId, correlationId: (data.orderId as string | undefined) ?? messageId, causationId: null });
    channel.publish(DEFAULT_EXCHANGE, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId, type, contentType: 'application/json' });
    await channel.waitForConfirms();
    return envelope;
  };
  bus.eventsOf = (id) => bus.received.filter((e) => e.data.orderId === id || e.data.productId === id);
  return bus;
}
