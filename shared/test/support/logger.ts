import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, type Logger } from '../../src/logging/logger.js';

export type LogLine = Record<string, unknown> & { level: string; message: string };

/** A real logger whose formatted JSON lines are kept in memory, to assert on what would be printed. */
export function captureLogger(level = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger('test', level, [new winston.transports.Stream({ stream })]), lines };
}

/** Silent unless TEST_LOG_LEVEL asks for lines (the tests provoke errors on purpose). */
export function quietLogger(): Logger {
  const level = process.env.TEST_LOG_LEVEL;
  return createLogger('test', level ?? 'error', [new winston.transports.Console({ silent: !level })]);
}
