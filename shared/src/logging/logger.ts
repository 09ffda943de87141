import winston from 'winston';
import { PROCESS_CONTEXT, currentContext, type RequestContext } from './context.js';
import { redactEntry } from './redact.js';

export type Logger = winston.Logger;

const WINSTON_KEYS = new Set(['level', 'message', 'service', 'timestamp']);

/**
 * Adds the trace and correlation ids of the request, message or job pass being handled (outside
 * any, the process's own: see PROCESS_CONTEXT) and strips sensitive fields from every line.
 */
const contextAndRedaction = winston.format((info) => {
  const ctx: Pick<RequestContext, 'traceId' | 'correlationId' | 'requestId'> = currentContext() ?? PROCESS_CONTEXT;
  info.traceId ??= ctx.traceId;
  info.correlationId ??= ctx.correlationId;
  if (ctx.requestId) info.requestId ??= ctx.requestId;
  for (const key of Object.keys(info)) {
    if (!WINSTON_KEYS.has(key)) info[key] = redactEntry(key, info[key]);
  }
  return info;
});

export function createLogger(service: string, level = 'info', transports?: winston.transport[]): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), contextAndRedaction(), winston.format.json()),
    transports: transports ?? [new winston.transports.Console()],
  });
}
