import { isWorking, sagaState, stepKindOf, type SagaState, type StepKind } from './saga.js';

/** The step timeouts (ORDER_STOCK_STEP_TIMEOUT_MS, ORDER_PAYMENT_STEP_TIMEOUT_MS). */
export type StepTimeouts = Record<StepKind, number>;

/**
 * The saga row of one order: where it stands, when its current step started and must be
 * answered by, how many times the step was sent, and the payment token, kept only until the
 * authorize command carrying it is written (then cleared in the same transaction).
 */
export class Saga {
  readonly orderId: string;
  state: SagaState = 'reserving_stock';
  stepStartedAt: Date;
  /** null once final: nothing is awaited. */
  stepDeadline: Date | null;
  attempts = 0;
  paymentToken: string | null;
  updatedAt: Date;

  constructor(orderId: string, paymentToken: string, timeouts: StepTimeouts, now = new Date()) {
    this.orderId = orderId;
    this.paymentToken = paymentToken;
    this.stepStartedAt = now;
    this.stepDeadline = new Date(now.getTime() + timeouts.stock);
    this.updatedAt = now;
  }

  get isFinal(): boolean {
    return !isWorking(this.state);
  }

  /** Moves to `to` (through the saga table): a working state starts its step, a final one clears the deadline. */
  enter(to: SagaState, timeouts: StepTimeouts, now = new Date()): void {
    sagaState.assert(this.state, to);
    this.state = to;
    this.attempts = 0;
    this.stepStartedAt = now;
    this.stepDeadline = isWorking(to) ? new Date(now.getTime() + timeouts[stepKindOf(to)]) : null;
    // The token is needed for exactly one command, the authorize sent on leaving reserving_stock
    // (the caller reads it first): whatever the next state, it is no longer kept.
    this.paymentToken = null;
    this.updatedAt = now;
  }

  /** The current step was sent again: one more attempt, a new deadline (stepStartedAt stays: the step's age). */
  retried(timeouts: StepTimeouts, now = new Date()): void {
    this.attempts += 1;
    this.stepDeadline = new Date(now.getTime() + timeouts[stepKindOf(this.state)]);
    this.updatedAt = now;
  }
}
