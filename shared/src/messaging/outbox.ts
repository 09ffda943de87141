import type { EntityManager } from '@mikro-orm/postgresql';
import { createEnvelope, type Envelope, type NewMessage } from './envelope.js';
import type { MessageSchemas } from './schemas.js';
import { OutboxRecordSchema } from './tables.js';

/**
 * The only way a service publishes: the message becomes a row persisted through the caller's
 * EntityManager, so it is written by the same flush, in the same transaction, as the state change
 * it announces; both commit or neither does. The OutboxRelay publishes it afterwards.
 */
export class Outbox {
  constructor(private readonly schemas: MessageSchemas) {}

  /**
   * Validates the message against contracts/events (throws UnknownMessageTypeError or
   * MessageValidationError) and persists it; it is written at the caller's next flush or commit.
   * Trace, correlation and causation ids default to the request or message being handled.
   */
  add<TData extends object>(em: EntityManager, message: NewMessage<TData>): Envelope<TData> {
    const envelope = createEnvelope(message);
    this.schemas.validate(envelope);
    if (!em.getMetadata().find(OutboxRecordSchema.meta.className)) {
      throw new Error('The outbox entity is not registered: add messagingEntities to the entities given to createOrm');
    }
    em.persist(
      em.create(OutboxRecordSchema, {
        id: envelope.messageId,
        type: envelope.type,
        routingKey: envelope.type,
        payload: envelope as Envelope,
      }),
    );
    return envelope;
  }
}
