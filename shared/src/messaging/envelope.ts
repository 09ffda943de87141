import { randomUUID } from 'node:crypto';
import { currentContext, newTraceId } from '../logging/context.js';
import { currentMessage } from './message-context.js';

/** What travels on the bus: one JSON object per event or command (contracts/events/envelope.schema.json). */
export interface Envelope<TData = Record<string, unknown>> {
  messageId: string;
  /** `<service>.<entity>.<past-tense-verb>` for events, `<service>.<verb-object>` for commands; also the routing key. */
  type: string;
  occurredAt: string;
  /** The conversation this message belongs to (for the checkout saga: the order id). */
  correlationId: string;
  /** messageId of the message being handled when this one was produced; null from HTTP or timers. */
  causationId: string | null;
  traceId: string;
  data: TData;
}

export interface NewMessage<TData = Record<string, unknown>> {
  type: string;
  data: TData;
  correlationId?: string;
  causationId?: string | null;
  messageId?: string;
  occurredAt?: Date;
}

/**
 * Builds an envelope, filling the ids from where the code is running: inside a consumed message
 * the new one is caused by it and shares its correlation and trace; inside an HTTP request it
 * takes the request's trace. A message that starts a conversation correlates with itself.
 */
export function createEnvelope<TData>(message: NewMessage<TData>): Envelope<TData> {
  const handling = currentMessage()?.envelope;
  const context = currentContext();
  const messageId = message.messageId ?? randomUUID();
  return {
    messageId,
    type: message.type,
    occurredAt: (message.occurredAt ?? new Date()).toISOString(),
    correlationId: message.correlationId ?? handling?.correlationId ?? context?.correlationId ?? messageId,
    causationId: message.causationId !== undefined ? message.causationId : (handling?.messageId ?? null),
    traceId: context?.traceId ?? handling?.traceId ?? newTraceId(),
    data: message.data,
  };
}

