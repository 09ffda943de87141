/**
 * The messaging kit: envelope + schemas, the bus (topic exchange, confirms, retries, DLQ), the
 * transactional outbox and its relay, the idempotent inbox, metrics. See contracts/events/README.md.
 */
export { type Envelope, type NewMessage, createEnvelope } from './envelope.js';
export { UnknownMessageTypeError, MessageValidationError, BrokerUnavailableError, type SchemaViolation } from './errors.js';
export { MessageSchemas, findContractsDir } from './schemas.js';
export { type MessageContext, currentMessage } from './message-context.js';
export { type Bus, type BusOptions, createBus, DEFAULT_EXCHANGE, DEFAULT_RETRY_DELAYS_MS } from './bus.js';
export { type Consumer, type ConsumeOptions, type DeadLetterReason } from './consumer.js';
export { HEADERS as MESSAGE_HEADERS } from './headers.js';
export { type QueueType, queueNames } from './topology.js';
export { declareConsumerQueuesOnce, type DeclareQueuesOptions } from './declare.js';
export { Outbox } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './relay.js';
export { Inbox, type InboxOptions } from './inbox.js';
export { MessagingTablesMigration } from './migration.js';
export { OutboxRecordSchema, InboxRecordSchema, messagingEntities, type OutboxRecord, type InboxRecord } from './tables.js';
export { MessagingMetrics, messagingMetrics } from './metrics.js';
