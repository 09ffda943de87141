import { TransientProviderError, sleep } from '../provider/provider.js';
import type { PaymentContext } from './context.js';

const DEFAULT_RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000];

/** The provider gave no answer before the signal aborted (a deadline or the call timeout). */
export class ProviderNoAnswerError extends Error {
  constructor(operation: string) {
    super(`The payment provider did not answer the ${operation} in time.`);
    this.name = 'ProviderNoAnswerError';
  }
}

/**
 * One provider operation, with the same idempotency key on every attempt (so retrying is never a
 * second charge or refund): transient failures are retried with backoff until `signal` aborts,
 * which ends with ProviderNoAnswerError. Any other error is not retried here (the message's own
 * retries or the client's take over). Every attempt is timed in payment_provider_duration_seconds.
 */
export async function callProvider<T>(
  ctx: Pick<PaymentContext, 'logger' | 'metrics' | 'retryDelaysMs'>,
  operation: 'charge' | 'refund' | 'lookup',
  signal: AbortSignal,
  call: () => Promise<T>,
  resultOf: (value: T) => string = () => 'ok',
): Promise<T> {
  const delays = ctx.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt += 1) {
    const stop = ctx.metrics.providerDuration.startTimer({ operation });
    try {
      const value = await call();
      stop({ result: resultOf(value) });
      return value;
    } catch (error) {
      if (signal.aborted) {
        stop({ result: 'aborted' });
        throw new ProviderNoAnswerError(operation);
      }
      if (!(error instanceof TransientProviderError)) {
        stop({ result: 'error' });
        throw error;
      }
      stop({ result: 'transient' });
      ctx.logger.warn('transient provider failure; retrying', { operation, attempt, error: error.message });
      try {
        await sleep(delays[Math.min(attempt, delays.length - 1)] ?? 1000, signal);
      } catch {
        throw new ProviderNoAnswerError(operation);
      }
    }
  }
}
