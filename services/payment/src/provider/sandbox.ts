import { randomBytes } from 'node:crypto';
import {
  TransientProviderError,
  abortReason,
  sleep,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  type RefundRequest,
  type RefundResult,
} from './provider.js';

export interface SandboxOptions {
  /** How long tok_slow takes to answer (API.md: about 2 s; tests shorten it). */
  slowMs?: number;
  /** Latency of every other answer. */
  latencyMs?: number;
}

/** The sandbox's behaviours, chosen by token: `tok_visa` or `tok_visa_4242` (a name, then optionally `_...`). */
type Behaviour = 'visa' | 'chargeDeclined' | 'insufficientFunds' | 'timeout' | 'slow';
const BEHAVIOURS: readonly Behaviour[] = ['visa', 'chargeDeclined', 'insufficientFunds', 'timeout', 'slow'];

function behaviourOf(token: string): Behaviour | null {
  if (!token.startsWith('tok_')) return null;
  const name = token.slice('tok_'.length).split('_')[0];
  return BEHAVIOURS.find((b) => b === name) ?? null;
}

/** `tok_slow_<ms>` answers after that many milliseconds instead of `slowMs` (a test can outlast any deadline). */
function slowMsOf(token: string, fallback: number): number {
  const suffix = /^tok_slow_(\d{1,6})$/.exec(token)?.[1];
  return suffix === undefined ? fallback : Number(suffix);
}

const reference = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

/**
 * The built-in provider (API.md "Payment service"): `tok_visa` succeeds, `tok_chargeDeclined` is
 * declined, `tok_insufficientFunds` is declined for funds, `tok_timeout` never answers (only the
 * AbortSignal ends the call, and a lookup finds no such charge), `tok_slow` answers after `slowMs`
 * (`tok_slow_<ms>` after that many milliseconds). Any other token is declined, as a
 * real provider declines a token it does not know.
 *
 * Like a real provider it remembers idempotency keys: a call with a key it has answered returns
 * that first answer and charges nothing; a call while the first one with its key is still running
 * waits for it. `chargeCount` / `refundCount` count the money actually moved, and `chargesFor`,
 * `refundsFor` and `callsFor` the same per idempotency key, which the tests assert (per key, as
 * other suites may use the service at the same time). `failNext(n, key?)` makes the next n calls
 * (with that key) fail with a TransientProviderError before anything is charged, to test retries.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly slowMs: number;
  private readonly latencyMs: number;
  private readonly charges = new Map<string, Promise<ChargeResult>>();
  private readonly refunds = new Map<string, Promise<RefundResult>>();
  /** Keys of tok_timeout charges: the sandbox never makes them, so a lookup finds none. */
  private readonly neverMade = new Set<string>();
  private transientFailures = 0;
  private failingKey: string | undefined;
  private readonly perKey = new Map<string, { calls: number; moved: number }>();
  chargeCount = 0;
  refundCount = 0;
  /** Every call received, including replays and transient failures. */
  calls = 0;

  constructor(options: SandboxOptions = {}) {
    this.slowMs = options.slowMs ?? 2000;
    this.latencyMs = options.latencyMs ?? 0;
  }

  failNext(count: number, idempotencyKey?: string): void {
    this.transientFailures = count;
    this.failingKey = idempotencyKey;
  }

  /** Charges made with this key (0 or 1). */
  chargesFor(idempotencyKey: string): number {
    return this.perKey.get(idempotencyKey)?.moved ?? 0;
  }

  /** Refunds made with this key (0 or 1). */
  refundsFor(idempotencyKey: string): number {
    return this.chargesFor(idempotencyKey);
  }

  /** Calls received with this key (charges, refunds or lookups), replays and failures included. */
  callsFor(idempotencyKey: string): number {
    return this.perKey.get(idempotencyKey)?.calls ?? 0;
  }

  async charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeResult> {
    this.enter(request.idempotencyKey, signal);
    let answer = this.charges.get(request.idempotencyKey);
    if (!answer) {
      answer = this.decide(request);
      if (behaviourOf(request.token) === 'timeout') this.neverMade.add(request.idempotencyKey);
      // Remembered before it settles: a retry while the first call runs joins it instead of
      // charging again (tok_timeout's never settles, so every later call with its key hangs too).
      this.charges.set(request.idempotencyKey, answer);
    }
    return this.within(answer, signal);
  }

  async refund(request: RefundRequest, signal: AbortSignal): Promise<RefundResult> {
    this.enter(request.idempotencyKey, signal);
    let answer = this.refunds.get(request.idempotencyKey);
    if (!answer) {
      answer = sleep(this.latencyMs, new AbortController().signal).then(() => {
        this.refundCount += 1;
        this.entry(request.idempotencyKey).moved += 1;
        return { refundReference: reference('sbx_re') };
      });
      this.refunds.set(request.idempotencyKey, answer);
    }
    return this.within(answer, signal);
  }

  async findCharge(idempotencyKey: string, signal: AbortSignal): Promise<ChargeResult | null> {
    this.enter(idempotencyKey, signal);
    const answer = this.charges.get(idempotencyKey);
    if (!answer || this.neverMade.has(idempotencyKey)) return null;
    // A charge still running (tok_slow) is waited for, as the port asks.
    return this.within(answer, signal);
  }

  private entry(idempotencyKey: string) {
    let entry = this.perKey.get(idempotencyKey);
    if (!entry) this.perKey.set(idempotencyKey, (entry = { calls: 0, moved: 0 }));
    return entry;
  }

  private enter(idempotencyKey: string, signal: AbortSignal): void {
    this.calls += 1;
    this.entry(idempotencyKey).calls += 1;
    if (signal.aborted) throw abortReason(signal);
    if (this.transientFailures > 0 && (this.failingKey === undefined || this.failingKey === idempotencyKey)) {
      this.transientFailures -= 1;
      throw new TransientProviderError('sandbox: provider temporarily unavailable');
    }
  }

  /** The provider's own decision, independent of any one caller's signal (it runs to its end). */
  private async decide(request: ChargeRequest): Promise<ChargeResult> {
    const behaviour = behaviourOf(request.token);
    if (behaviour === 'timeout') return new Promise<never>(() => undefined);
    await sleep(behaviour === 'slow' ? slowMsOf(request.token, this.slowMs) : this.latencyMs, new AbortController().signal);
    if (behaviour === 'visa' || behaviour === 'slow') {
      this.chargeCount += 1;
      this.entry(request.idempotencyKey).moved += 1;
      return { outcome: 'succeeded', providerReference: reference('sbx_ch') };
    }
    if (behaviour === 'insufficientFunds') return { outcome: 'declined', reason: 'PAYMENT_INSUFFICIENT_FUNDS' };
    return { outcome: 'declined', reason: 'PAYMENT_DECLINED' };
  }

  /** The answer, or the signal's reason as soon as it aborts (the caller stops waiting). */
  private within<T>(answer: Promise<T>, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      answer.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
