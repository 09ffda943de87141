import amqp from 'amqplib';
import { eventually } from './index.js';

/** Resolves once `queue` exists and a consumer is attached (services declare theirs after connecting). */
export async function waitForConsumer(url: string, queue: string, timeoutMs = 30_000): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    await eventually(async () => {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined); // a missing queue closes the channel: just try again
      try {
        const { consumerCount } = await channel.checkQueue(queue);
        if (consumerCount < 1) throw new Error(`no consumer on ${queue} yet`);
      } finally {
        await channel.close().catch(() => undefined);
      }
    }, { timeoutMs, intervalMs: 100 });
  } finally {
    await connection.close();
  }
}

/**
 * Empties `queue` if it exists: messages other suites (or an earlier run) left on the shared test
 * vhost would otherwise be handled in the middle of a test.
 */
export async function purgeQueue(url: string, queue: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // on a first run the queue does not exist yet
    await channel.purgeQueue(queue).catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
