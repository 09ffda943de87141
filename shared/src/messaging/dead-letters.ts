import type { ChannelModel } from 'amqplib';
import { sendConfirmed } from './confirms.js';
import { HEADERS, forwardProperties } from './headers.js';
import { queueNames } from './topology.js';

const FAILURE_HEADERS = [HEADERS.reason, HEADERS.error, HEADERS.errorName, HEADERS.failedAt, HEADERS.originalQueue] as const;

/**
 * Moves up to `limit` parked messages from `<queue>.dlq` back to `<queue>` (through the default
 * exchange, so other services bound to the same type don't get a second copy), with a fresh
 * attempt count. Each move is confirmed before the DLQ copy is acked: a crash duplicates, never
 * loses. Only what was parked when it started is moved, so a message that fails again right
 * away can't keep the replay going. Returns how many were moved.
 */
export async function replayDeadLetters(model: ChannelModel, queue: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
  const names = queueNames(queue);
  const channel = await model.createConfirmChannel();
  channel.on('error', () => undefined); // surfaced through the rejected operation instead
  try {
    const { messageCount } = await channel.checkQueue(names.dlq);
    const wanted = Math.min(limit, messageCount);
    let moved = 0;
    while (moved < wanted) {
      const message = await channel.get(names.dlq, { noAck: false });
      if (message === false) break;
      const replays = Number(message.properties.headers?.[HEADERS.replays] ?? 0) + 1;
      const headers = { [HEADERS.attempt]: 1, [HEADERS.replays]: replays };
      await sendConfirmed(channel, names.main, message.content, forwardProperties(message, headers, FAILURE_HEADERS));
      channel.ack(message);
      moved += 1;
    }
    return moved;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
