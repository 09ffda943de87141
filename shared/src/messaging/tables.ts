import { EntitySchema } from '@mikro-orm/postgresql';
import type { Envelope } from './envelope.js';

/** A message waiting for (or done with) the relay. The table is created by MessagingTablesMigration. */
export interface OutboxRecord {
  id: string;
  type: string;
  routingKey: string;
  payload: Envelope;
  /** Set by the database (now()), so replicas with skewed clocks still order rows sensibly. */
  createdAt?: Date;
  publishedAt?: Date | null;
  attempts?: number;
  lastError?: string | null;
}

export const OutboxRecordSchema = new EntitySchema<OutboxRecord>({
  name: 'OutboxRecord',
  tableName: 'outbox',
  properties: {
    id: { type: 'uuid', primary: true },
    type: { type: 'text' },
    routingKey: { type: 'text', fieldName: 'routing_key' },
    payload: { type: 'json' },
    createdAt: { type: 'datetime', length: 3, fieldName: 'created_at', defaultRaw: 'now()', nullable: true },
    publishedAt: { type: 'datetime', length: 3, fieldName: 'published_at', nullable: true },
    attempts: { type: 'integer', default: 0, nullable: true },
    lastError: { type: 'text', fieldName: 'last_error', nullable: true },
  },
});

/** "This consumer has handled this message": the row is committed with the handler's effect. */
export interface InboxRecord {
  messageId: string;
  /** The queue that consumed it: one service may consume one event through two queues. */
  consumer: string;
  type: string;
  handledAt?: Date;
}

export const InboxRecordSchema = new EntitySchema<InboxRecord>({
  name: 'InboxRecord',
  tableName: 'inbox',
  properties: {
    messageId: { type: 'uuid', primary: true, fieldName: 'message_id' },
    consumer: { type: 'text', primary: true },
    type: { type: 'text' },
    handledAt: { type: 'datetime', length: 3, fieldName: 'handled_at', defaultRaw: 'now()', nullable: true },
  },
});

/** Add these to the service's ORM `entities`. */
export const messagingEntities = [OutboxRecordSchema, InboxRecordSchema];
