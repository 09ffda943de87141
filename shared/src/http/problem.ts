import type { ErrorRequestHandler, Response } from 'express';
import { AppError, RateLimitedError, ServiceUnavailableError, ValidationError, type FieldError } from '../errors.js';
import { currentContext } from '../logging/context.js';
import type { Logger } from '../logging/logger.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  traceId: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Written with res.send, not res.json, so the response validator never rewrites an error. */
export function sendProblem(res: Response, status: number, code: string, detail?: string, errors?: FieldError[]) {
  const problem: Problem = {
    type: `/docs/errors#${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    traceId: currentContext()?.traceId ?? 'unknown',
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  res.status(status).type('application/problem+json').send(JSON.stringify(problem));
}

interface HttpLikeError {
  status?: number;
  type?: string;
  errors?: { path?: string; message?: string }[];
  headers?: { Allow?: string };
}

/** Errors raised by express itself, body-parser and express-openapi-validator, by status. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The one place where errors become HTTP: known classes map to their status and code; anything else is a 500 that leaks nothing. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if ((error instanceof RateLimitedError || error instanceof ServiceUnavailableError) && error.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    if (error instanceof ValidationError) return sendProblem(res, 400, error.code, error.message, error.errors);
    if (error instanceof AppError) return sendProblem(res, error.status, error.code, error.message);

    const http = (error ?? {}) as HttpLikeError;
    if (http.type === 'entity.parse.failed') return sendProblem(res, 400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
    const status = http.status ?? 500;
    if (status === 405) return methodNotAllowed(req.method, http.headers?.Allow ?? '', res);
    const code = FRAMEWORK_CODES[status];
    if (code && status < 500) {
      const errors = (http.errors ?? []).map((e) => ({ path: e.path ?? '', message: e.message ?? 'invalid' }));
      if (status === 400 && isOnlyMissingIdempotencyKey(errors)) {
        return sendProblem(res, 400, 'IDEMPOTENCY_KEY_REQUIRED', 'This request needs an Idempotency-Key header, so that a retry cannot do it twice.', errors);
      }
      return sendProblem(res, status, code, errors.length ? 'The request is invalid.' : (error as Error).message, errors);
    }
    logger.error('unhandled error', { error });
    return sendProblem(res, 500, 'INTERNAL', 'An unexpected error occurred. Quote the traceId when reporting it.');
  };
}

/** RFC 9110 requires the Allow header on a 405; the validator names the path's methods in lower case. */
function methodNotAllowed(method: string, documented: string, res: Response): void {
  const allow = documented
    .split(',')
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean)
    .join(', ');
  if (allow) res.setHeader('Allow', allow);
  sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on this path${allow ? `; it allows ${allow}` : ''}.`);
}

/**
 * A contract that declares `Idempotency-Key` as a required header makes the validator reject its
 * absence before any handler runs; the API promises 400 IDEMPOTENCY_KEY_REQUIRED for that (as
 * `requireIdempotencyKey` answers), not the generic VALIDATION_FAILED.
 */
function isOnlyMissingIdempotencyKey(errors: FieldError[]): boolean {
  return errors.length > 0 && errors.every((e) => e.path === '/headers/idempotency-key' && /required/.test(e.message));
}
