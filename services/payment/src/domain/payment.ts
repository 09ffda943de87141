import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@commerce/shared';
import { paymentStatus, type PaymentStatus } from './payment-status.js';

/** Why a payment failed: the reasons payment.payment.failed carries (contracts/events). */
export type FailureReason = 'PAYMENT_DECLINED' | 'PAYMENT_INSUFFICIENT_FUNDS' | 'PAYMENT_TIMEOUT';

/** The longest reason a history row or refund event carries (contracts: 1..200). */
export const MAX_REASON_LENGTH = 200;

/** One status change, for endpoint 45: `from` is null for the creation as pending. */
export interface PaymentChange {
  from: PaymentStatus | null;
  to: PaymentStatus;
  at: Date;
  reason: string | null;
}

/** What the authorize command tells the payment about its order. The token is not part of it: it is never stored. */
export interface PaymentOrder {
  orderId: string;
  customerId: string;
  amountCents: number;
  currency: string;
  /** The saga's deadline for the charge; past it (plus a grace) a pending payment is stuck (the sweeper's query). */
  deadline?: Date;
}

export const paymentNotFound = () => new NotFoundError('PAYMENT_NOT_FOUND', 'No payment with this id.');

/** A refund reason as stored and announced: trimmed, 1..200 characters. */
export function refundReasonOf(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_REASON_LENGTH) throw new RangeError(`a refund reason is 1..${MAX_REASON_LENGTH} characters`);
  return trimmed;
}

/** The refund reason of a payment refunded because its order was cancelled (contracts: at most 200 characters). */
/** The refund reason of a charge that went through after its payment failed with PAYMENT_TIMEOUT. */
export const LATE_CHARGE_REASON = 'Charge completed after the payment had failed with PAYMENT_TIMEOUT; refunded';

export function orderCancelledReason(orderReason: string): string {
  return `Order cancelled: ${orderReason}`.slice(0, MAX_REASON_LENGTH);
}

/**
 * The payment of one order (orderId is unique: the order id is also the provider's idempotency
 * key, so an order is charged at most once). Nothing of the payment token is kept: a token is a
 * credential for the provider, and the provider's reference identifies the charge afterwards.
 * Every status change goes through the status table and returns the history row to store with it
 * in the same transaction.
 */
export class Payment {
  readonly id: string = randomUUID();
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
  status: PaymentStatus = 'pending';
  providerReference: string | null = null;
  failureReason: FailureReason | null = null;
  /** The authorize command's deadline (null for rows written before it was kept). */
  deadline: Date | null = null;
  /**
   * Set when the payment's order was cancelled (order.order.cancelled) or its refund was asked for
   * while the payment was still pending: a completed payment with this set owes a refund at once.
   */
  orderCancelledAt: Date | null = null;
  /** The reason that refund will carry. */
  orderCancelReason: string | null = null;
  refundReason: string | null = null;
  /** The provider's id of the refund. */
  refundReference: string | null = null;
  /**
   * Failed with PAYMENT_TIMEOUT while a charge call was in flight: the provider may still make that
   * charge, so it is asked once more (the sweeper) before the payment is taken as settled.
   */
  chargeInDoubt = false;
  readonly createdAt: Date;
  updatedAt: Date;

  constructor(order: PaymentOrder, now = new Date()) {
    if (!Number.isInteger(order.amountCents) || order.amountCents < 0) throw new RangeError('amountCents must be an integer >= 0');
    if (!/^[A-Z]{3}$/.test(order.currency)) throw new RangeError('currency must be an ISO 4217 code');
    this.orderId = order.orderId;
    this.customerId = order.customerId;
    this.amountCents = order.amountCents;
    this.currency = order.currency;
    this.deadline = order.deadline ?? null;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** The history row of the creation (pending). */
  created(): PaymentChange {
    return { from: null, to: 'pending', at: this.createdAt, reason: null };
  }

  isOwnedBy(customerId: string): boolean {
    return this.customerId === customerId;
  }

  /** completed, failed and refunded are outcomes the saga has (or had) been told about. */
  get isFinal(): boolean {
    return this.status !== 'pending';
  }

  /**
   * Its order was cancelled (or the order service asked for the refund) before or after the
   * charge: records it once, with the reason the refund will carry. Returns false when it was
   * already recorded (the first reason stands). Changes no status, and so not updatedAt either
   * (nothing a reader sees changed): a pending payment is refunded when its charge turns out
   * completed (see owesRefund).
   */
  markOrderCancelled(refundReason: string, now = new Date()): boolean {
    if (this.orderCancelledAt !== null) return false;
    this.orderCancelReason = refundReasonOf(refundReason);
    this.orderCancelledAt = now;
    return true;
  }

  /** Money is held for an order that was cancelled: refund it, no one else will ask. */
  get owesRefund(): boolean {
    return this.status === 'completed' && this.orderCancelledAt !== null;
  }

  complete(providerReference: string, now = new Date()): PaymentChange {
    if (providerReference.length === 0) throw new RangeError('providerReference must not be empty');
    const change = this.move('completed', null, now);
    this.providerReference = providerReference;
    return change;
  }

  /** `chargeInDoubt`: the deadline cut a charge call short (only a PAYMENT_TIMEOUT can leave one). */
  fail(reason: FailureReason, now = new Date(), chargeInDoubt = false): PaymentChange {
    if (chargeInDoubt && reason !== 'PAYMENT_TIMEOUT') throw new RangeError('only a PAYMENT_TIMEOUT leaves a charge in doubt');
    const change = this.move('failed', reason, now);
    this.failureReason = reason;
    this.chargeInDoubt = chargeInDoubt;
    return change;
  }

  /** The provider refunded the charge (`refundReference`): completed → refunded, with the reason. */
  refund(reason: string, refundReference: string, now = new Date()): PaymentChange {
    this.assertRefundable();
    const trimmed = refundReasonOf(reason);
    if (refundReference.length === 0) throw new RangeError('refundReference must not be empty');
    const change = this.move('refunded', trimmed, now);
    this.refundReason = trimmed;
    this.refundReference = refundReference;
    return change;
  }

  /**
   * 409 INVALID_TRANSITION unless the payment is completed: only a charge that stands is refunded
   * on request (a failed payment's late charge is the sweeper's, see refundLateCharge).
   */
  assertRefundable(): void {
    if (this.status !== 'completed') throw new ConflictError('INVALID_TRANSITION', `payment cannot go from ${this.status} to refunded`);
  }

  /** The provider made no charge (or declined it) after all: the failure is settled, nothing to give back. */
  clearChargeDoubt(now = new Date()): void {
    if (!this.chargeInDoubt) return;
    this.chargeInDoubt = false;
    this.updatedAt = now;
  }

  /**
   * The charge abandoned at the deadline went through after all (`providerReference`) and the
   * provider has refunded it (`refundReference`): failed → refunded. The failure reason stays (the
   * payment did fail for the saga); the history row says why the money went back.
   */
  refundLateCharge(providerReference: string, refundReference: string, now = new Date()): PaymentChange {
    if (this.status !== 'failed' || !this.chargeInDoubt) throw new ConflictError('INVALID_TRANSITION', 'only a failed payment with a charge in doubt can have a late charge refunded');
    if (providerReference.length === 0 || refundReference.length === 0) throw new RangeError('the late charge and its refund need their references');
    const change = this.move('refunded', LATE_CHARGE_REASON, now);
    this.providerReference = providerReference;
    this.refundReason = LATE_CHARGE_REASON;
    this.refundReference = refundReference;
    this.chargeInDoubt = false;
    return change;
  }

  /** The idempotency key of this payment's refund towards the provider: one refund per payment. */
  get refundKey(): string {
    return `refund:${this.id}`;
  }

  private move(to: PaymentStatus, reason: string | null, now: Date): PaymentChange {
    paymentStatus.assert(this.status, to);
    const change: PaymentChange = { from: this.status, to, at: now, reason };
    this.status = to;
    this.updatedAt = now;
    return change;
  }
}
