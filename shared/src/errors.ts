/**
 * The few kinds of failure a use case can report. Domain and application code throw these;
 * the HTTP layer maps them to problem+json in one place (http/problem.ts).
 */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
    code = 'VALIDATION_FAILED',
  ) {
    super(code, message);
  }
}

export class UnauthenticatedError extends AppError {
  readonly status = 401;
  constructor(message = 'Authentication is required.', code = 'UNAUTHENTICATED') {
    super(code, message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(message = 'You are not allowed to do this.', code = 'FORBIDDEN') {
    super(code, message);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  constructor(code = 'NOT_FOUND', message = 'The resource does not exist.') {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
}

export class PreconditionFailedError extends AppError {
  readonly status = 412;
  constructor(message = 'The resource has changed since you last read it.') {
    super('PRECONDITION_FAILED', message);
  }
}

/** The request is well-formed but breaks a business rule. */
export class UnprocessableError extends AppError {
  readonly status = 422;
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests; try again later.',
  ) {
    super('RATE_LIMITED', message);
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  constructor(
    message = 'The service is temporarily unavailable.',
    readonly retryAfterSeconds?: number,
  ) {
    super('SERVICE_UNAVAILABLE', message);
  }
}
