import { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Envelope } from './envelope.js';
import { currentMessage } from './message-context.js';
import { InboxRecordSchema } from './tables.js';

export interface InboxOptions {
  /** Who handled it; default: the queue being consumed (so two queues of one service each get it once). */
  consumer?: string;
}

/**
 * Idempotent consumption. In one transaction: record (message id, consumer) in the inbox, run the
 * effect only if that row is new, commit. A redelivery finds the row and does nothing, and the
 * consumer acks it. Two concurrent deliveries serialise on the primary key: the second waits for
 * the first to commit, then skips (or, if the first rolled back, runs the effect itself).
 * Returns whether the effect ran.
 */
async function handle(
  target: EntityManager | MikroORM,
  envelope: Envelope,
  effect: (em: EntityManager) => Promise<void>,
  options: InboxOptions = {},
): Promise<boolean> {
  const em = (target instanceof MikroORM ? target.em.fork() : target) as EntityManager;
  if (!em.getMetadata().find(InboxRecordSchema.meta.className)) {
    throw new Error('The inbox entity is not registered: add messagingEntities to the entities given to createOrm');
  }
  const consumer = options.consumer ?? currentMessage()?.queue ?? '';
  return em.transactional(async (tx) => {
    const result = await tx
      .createQueryBuilder(InboxRecordSchema)
      .insert({ messageId: envelope.messageId, consumer, type: envelope.type })
      .onConflict(['messageId', 'consumer'])
      .ignore()
      .execute('run');
    if (result.affectedRows === 0) return false;
    await effect(tx);
    return true;
  });
}

export const Inbox = { handle } as const;
