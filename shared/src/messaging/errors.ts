/**
 * Publishing a message the contracts don't describe is a programming error, not a client error,
 * so these are plain Errors (HTTP 500 if they escape) rather than the kit's 4xx AppErrors.
 */
export interface SchemaViolation {
  path: string;
  message: string;
}

export class UnknownMessageTypeError extends Error {
  constructor(readonly type: string) {
    super(`No schema for message type "${type}" in contracts/events`);
    this.name = 'UnknownMessageTypeError';
  }
}

export class MessageValidationError extends Error {
  constructor(
    readonly type: string,
    readonly violations: SchemaViolation[],
  ) {
    const summary = violations.map((v) => `${v.path || '/'} ${v.message}`).join('; ');
    super(`Message "${type}" does not match its schema: ${summary}`);
    this.name = 'MessageValidationError';
  }
}

/** The bus has no connection right now; the caller may retry later (the relay does). */
export class BrokerUnavailableError extends Error {
  constructor(message = 'Not connected to the message broker') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}
