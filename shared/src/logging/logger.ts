import winston from 'winston';
import { currentContext } from './context.js';
import { redactEntry } from './redact.js';

export type Logger = winston.Logger;

const WINSTON_KEYS = new Set(['level', 'message', 'service', 'timestamp']);

/** Adds the request's trace and correlation ids and strips sensitive fields from every line. */
const contextAndRedaction = winston.format((info) => {
  const ctx = currentContext();
  if (ctx) {
    info.traceId ??= ctx.traceId;
    if (ctx.requestId) info.requestId ??= ctx.requestId;
    if (ctx.correlationId) info.correlationId ??= ctx.correlationId;
  }
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
