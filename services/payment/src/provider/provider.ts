/**
 * The payment provider port. The service talks to a provider only through this interface; the
 * built-in implementation is the sandbox (./sandbox.ts). A real provider adapter must guarantee:
 * - idempotency: a call with an idempotency key it has seen returns the first call's result and
 *   never charges (or refunds) a second time, also when the first call's answer was lost;
 * - cancellation: the call stops waiting when `signal` aborts, rejecting with the signal's reason
 *   (the service then decides, e.g. PAYMENT_TIMEOUT at the command's deadline);
 * - errors: a failure worth retrying (network, 5xx, rate limit) is a TransientProviderError; a
 *   decision of the provider (declined) is a result, not an error; anything else is a bug;
 * - lookup: `findCharge` answers what became of the charge made with an idempotency key, so a
 *   payment whose process died mid-call (the token is gone with the command) can be settled.
 */
export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult>;
  refund(request: RefundRequest, signal: AbortSignal): Promise<RefundResult>;
  /**
   * The result of the charge made with `idempotencyKey`, or null when the provider has none (it
   * never received it, or will never make it). A charge still being processed is waited for
   * (within `signal`) or reported as a TransientProviderError, never as null: null lets the
   * service fail the payment, so it must mean no money was or will be taken.
   */
  findCharge(idempotencyKey: string, signal: AbortSignal): Promise<ChargeResult | null>;
}

export interface ChargeRequest {
  /** The order id: one order is charged at most once. */
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  /** The client's provider token (`tok_...`), used for this call only and never stored. */
  token: string;
}

export type DeclineReason = 'PAYMENT_DECLINED' | 'PAYMENT_INSUFFICIENT_FUNDS';

export type ChargeResult = { outcome: 'succeeded'; providerReference: string } | { outcome: 'declined'; reason: DeclineReason };

export interface RefundRequest {
  /** `refund:<paymentId>`: one refund per payment. */
  idempotencyKey: string;
  providerReference: string;
  amountCents: number;
}

export interface RefundResult {
  refundReference: string;
}

/** A failure worth retrying with the same idempotency key (network, provider overloaded, 5xx). */
export class TransientProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientProviderError';
  }
}

/** The reason a call rejects with when its signal aborts (the signal's own reason when it has one). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
