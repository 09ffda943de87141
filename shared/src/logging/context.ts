import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * What every log line and outgoing message inherits from the request, message or job pass being
 * handled. `traceId` follows one chain of cause and effect (an HTTP request and every message it
 * leads to); `correlationId` names the conversation it belongs to (for the checkout saga: the
 * order id), which can outlive one trace (a sweeper's resend starts a new trace, same order).
 */
export interface RequestContext {
  traceId: string;
  spanId: string;
  requestId?: string;
  correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** A W3C trace-context trace id (32 hex digits), for work that starts outside any trace. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** A W3C span id (16 hex digits): one hop of a trace. */
export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The context of work that starts by itself (a periodic pass, a relay round): a new trace, and a
 * conversation of its own named after the job, so its lines (and the messages it publishes without
 * an explicit correlation) can be found with one grep.
 */
export function newJobContext(job: string): RequestContext {
  const traceId = newTraceId();
  return { traceId, spanId: newSpanId(), correlationId: `job:${job.replace(/[^\w.-]+/g, '-')}:${traceId.slice(0, 16)}` };
}

/**
 * Ids for lines logged outside any request, message or job (start-up, shutdown, connection
 * events): one pair per process, made up when it starts, so such lines still carry both fields
 * and one grep finds the whole life of one process; the `process:` prefix says they follow no request.
 */
export const PROCESS_CONTEXT: Readonly<Pick<RequestContext, 'traceId' | 'correlationId'>> = (() => {
  const traceId = newTraceId();
  return Object.freeze({ traceId, correlationId: `process:${traceId.slice(0, 16)}` });
})();
