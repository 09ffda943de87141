import type { Message, Options } from 'amqplib';

/** Headers the kit sets; everything an operator needs to read a parked message is in them. */
export const HEADERS = {
  /** Which delivery attempt this is: absent or 1 at first, raised each time it goes through a retry queue. */
  attempt: 'x-attempt',
  /** `poison` (unparseable or schema-invalid) or `retries-exhausted`. */
  reason: 'x-dead-letter-reason',
  error: 'x-error',
  errorName: 'x-error-name',
  failedAt: 'x-failed-at',
  originalQueue: 'x-original-queue',
  /** How many times an operator replayed it from the DLQ. */
  replays: 'x-replay-count',
} as const;

const MAX_ERROR_LENGTH = 1_000;

export function attemptOf(message: Message): number {
  const value = Number(message.properties.headers?.[HEADERS.attempt]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/** A header-safe description of a failure (AMQP header tables are small; stacks stay in the logs). */
export function errorHeaders(error: unknown): Record<string, string> {
  const e = error instanceof Error ? error : new Error(String(error));
  return { [HEADERS.error]: e.message.slice(0, MAX_ERROR_LENGTH), [HEADERS.errorName]: e.name };
}

/** The properties of `message` for re-publishing it elsewhere, with some headers changed or removed. */
export function forwardProperties(
  message: Message,
  headers: Record<string, unknown>,
  remove: readonly string[] = [],
): Options.Publish {
  const p = message.properties;
  const merged: Record<string, unknown> = { ...(p.headers ?? {}), ...headers };
  for (const name of remove) delete merged[name];
  const options: Options.Publish = { persistent: true, headers: merged };
  if (p.contentType) options.contentType = p.contentType;
  if (p.messageId) options.messageId = p.messageId;
  if (p.type) options.type = p.type;
  if (p.correlationId) options.correlationId = p.correlationId;
  if (p.appId) options.appId = p.appId;
  if (p.timestamp) options.timestamp = p.timestamp;
  return options;
}
