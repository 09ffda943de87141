import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/** What every log line and outgoing message inherits from the request or message being handled. */
export interface RequestContext {
  traceId: string;
  spanId: string;
  requestId?: string;
  correlationId?: string;
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
