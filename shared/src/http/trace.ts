import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { newTraceId, runWithContext } from '../logging/context.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const ZERO_TRACE = '0'.repeat(32);

export function parseTraceparent(header: string | undefined): { traceId: string; parentId: string; flags: string } | undefined {
  const match = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!match || match[1] === ZERO_TRACE || match[2] === '0'.repeat(16)) return undefined;
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
}

export const newSpanId = () => randomBytes(8).toString('hex');

/**
 * W3C trace context: continue the caller's trace (or start one), give this hop its own span id,
 * and echo both `traceparent` and an `X-Request-Id` so a client can quote them in a support ticket.
 */
export const traceContext: RequestHandler = (req, res, next) => {
  const parent = parseTraceparent(req.get('traceparent'));
  const traceId = parent?.traceId ?? newTraceId();
  const spanId = newSpanId();
  const incomingId = req.get('x-request-id');
  const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
  res.setHeader('traceparent', `00-${traceId}-${spanId}-${parent?.flags ?? '01'}`);
  res.setHeader('X-Request-Id', requestId);
  runWithContext({ traceId, spanId, requestId }, next);
};
