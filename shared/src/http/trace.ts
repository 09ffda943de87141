import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { newSpanId, newTraceId, runWithContext } from '../logging/context.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
/** Request and correlation ids a client may choose: short, and nothing that could forge a log line or header. */
const CLIENT_ID = /^[\w.:-]{1,128}$/;
const ZERO_TRACE = '0'.repeat(32);

export function parseTraceparent(header: string | undefined): { traceId: string; parentId: string; flags: string } | undefined {
  const match = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!match || match[1] === ZERO_TRACE || match[2] === '0'.repeat(16)) return undefined;
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
}

/** The client's id if it is acceptable (CLIENT_ID), else undefined: a bad one is replaced, never echoed. */
export function clientId(header: string | undefined): string | undefined {
  return header !== undefined && CLIENT_ID.test(header) ? header : undefined;
}

/**
 * W3C trace context: continue the caller's trace (or start one), give this hop its own span id.
 * The correlation id is the client's `X-Correlation-Id` (a conversation it names, e.g. across
 * several requests) or else this request's id. All three ids are echoed (`traceparent`,
 * `X-Request-Id`, `X-Correlation-Id`) so a client can quote them in a support ticket, and every
 * log line and message of the request carries them.
 */
export const traceContext: RequestHandler = (req, res, next) => {
  const parent = parseTraceparent(req.get('traceparent'));
  const traceId = parent?.traceId ?? newTraceId();
  const spanId = newSpanId();
  const requestId = clientId(req.get('x-request-id')) ?? randomUUID();
  const correlationId = clientId(req.get('x-correlation-id')) ?? requestId;
  res.setHeader('traceparent', `00-${traceId}-${spanId}-${parent?.flags ?? '01'}`);
  res.setHeader('X-Request-Id', requestId);
  res.setHeader('X-Correlation-Id', correlationId);
  runWithContext({ traceId, spanId, requestId, correlationId }, next);
};
