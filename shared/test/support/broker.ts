import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type Options } from 'amqplib';
import { queueNames } from '../../src/messaging/index.js';
import { AMQP_URL } from './env.js';

const run = promisify(execFile);

/** Direct broker access for tests: raw publishes, queue depths, and clean-up of what a test declared. */
export class TestBroker {
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();

  /** Remembers a consumer queue (with its retry queues and DLQ) to delete afterwards. */
  track(queue: string, retries = 3): string {
    const names = queueNames(queue);
    this.queues.add(names.main).add(names.dlq);
    for (let i = 1; i <= retries; i += 1) this.queues.add(names.retry(i));
    return queue;
  }

  trackExchange(exchange: string): string {
    this.exchanges.add(exchange);
    return exchange;
  }

  async publishRaw(exchange: string, routingKey: string, body: string, options: Options.Publish = {}): Promise<void> {
    await this.withChannel(async (connection) => {
      const channel = await channelOf(connection, true);
      channel.publish(exchange, routingKey, Buffer.from(body), { persistent: true, ...options });
      await channel.waitForConfirms();
    });
  }

  /** Looks at the first message of a queue and puts it back. */
  async peek(queue: string): Promise<amqp.GetMessage | false> {
    return this.withChannel(async (connection) => {
      const channel = await channelOf(connection);
      const message = await channel.get(queue, { noAck: false });
      if (message) channel.nack(message, false, true);
      await channel.close();
      return message;
    });
  }

  async depth(queue: string): Promise<number> {
    return this.withChannel(async (connection) => {
      const channel = await channelOf(connection);
      return (await channel.checkQueue(queue)).messageCount;
    });
  }

  async consumers(queue: string): Promise<number> {
    return this.withChannel(async (connection) => {
      const channel = await channelOf(connection);
      return (await channel.checkQueue(queue)).consumerCount;
    });
  }

  /** Reads (and removes) every message of a queue. */
  async drain(queue: string): Promise<amqp.GetMessage[]> {
    return this.withChannel(async (connection) => {
      const channel = await channelOf(connection);
      const messages: amqp.GetMessage[] = [];
      for (let m = await channel.get(queue, { noAck: true }); m; m = await channel.get(queue, { noAck: true })) messages.push(m);
      return messages;
    });
  }

  /** Asks the broker itself (rabbitmqctl), since AMQP does not tell a queue's type. */
  async queueType(queue: string): Promise<string | undefined> {
    const { stdout } = await run('rabbitmqctl', ['list_queues', '-p', vhostOf(AMQP_URL), 'name', 'type', '-q', '--no-table-headers']);
    const row = stdout.split('\n').map((line) => line.split('\t')).find(([name]) => name === queue);
    return row?.[1]?.trim();
  }

  async deleteQueue(queue: string): Promise<void> {
    await this.withChannel(async (connection) => {
      const channel = await channelOf(connection);
      await channel.deleteQueue(queue);
    });
  }

  /** The queues tracked so far (main queues first). */
  trackedQueues(): string[] {
    return [...this.queues];
  }

  async cleanup(): Promise<void> {
    await this.withChannel(async (connection) => {
      const channel = await channelOf(connection);
      for (const queue of this.queues) await channel.deleteQueue(queue);
      for (const exchange of this.exchanges) await channel.deleteExchange(exchange);
    });
    this.queues.clear();
    this.exchanges.clear();
  }

  private async withChannel<T>(fn: (connection: amqp.ChannelModel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(AMQP_URL, { noDelay: true });
    try {
      return await fn(connection);
    } finally {
      await connection.close();
    }
  }
}

function vhostOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
}

/** A channel whose errors surface through the rejected call only (no unhandled 'error' event). */
async function channelOf(connection: amqp.ChannelModel): Promise<amqp.Channel>;
async function channelOf(connection: amqp.ChannelModel, confirm: true): Promise<amqp.ConfirmChannel>;
async function channelOf(connection: amqp.ChannelModel, confirm = false): Promise<amqp.Channel> {
  const channel = confirm ? await connection.createConfirmChannel() : await connection.createChannel();
  channel.on('error', () => undefined);
  return channel;
}

/** Has the broker close the connections whose `connection_name` starts with `prefix`, as a broker restart would. */
export async function closeConnectionsFromBroker(prefix: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q', '--no-table-headers']);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(prefix))
    .map((line) => line.split('\t')[0]!.trim())
    .filter(Boolean);
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'closed by a test']);
  return pids.length;
}
