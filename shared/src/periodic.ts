import { newJobContext, runWithContext } from './logging/context.js';
import type { Logger } from './logging/logger.js';

export interface PeriodicOptions {
  /** Names the job in the log line of a failed pass and in each pass's correlation id (`job:<name>:...`). */
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One pass. Passes never overlap: the next is scheduled when this one settles. */
  task: () => Promise<unknown>;
}

export interface PeriodicJob {
  /** Stops scheduling and waits for the pass in progress, so it can sit in serve()'s closers. */
  stop(): Promise<void>;
}

/**
 * The background loop of sweepers and timers (expired reservations, idle carts, ...): a pass every
 * `intervalMs`, never two at once, a failed pass logged and the next one still scheduled, and a
 * timer that never keeps the process alive on its own. Each pass runs in a context of its own
 * (newJobContext), so its log lines and the messages it publishes carry one trace id per pass.
 */
export function startPeriodic(options: PeriodicOptions): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      // The failure line too belongs to the pass: catch inside its context.
      running = runWithContext(newJobContext(options.name), () =>
        options.task().catch((error: unknown) => options.logger.error(`${options.name} failed`, { error })),
      ).finally(() => {
        running = undefined;
        schedule();
      });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
