import { NotFoundError, ValidationError } from '@commerce/shared';
import { orderStatus, type OrderStatus } from './order-status.js';
import { paymentStatus, type PaymentStatus } from './payment-status.js';

/** Why an order was cancelled (contracts: FailureReason, and order.order.cancelled's reason). */
export type FailureReason = 'OUT_OF_STOCK' | 'PAYMENT_DECLINED' | 'PAYMENT_INSUFFICIENT_FUNDS' | 'PAYMENT_TIMEOUT' | 'CUSTOMER_CANCELLED' | 'ADMIN_CANCELLED';
export type PaymentFailure = Extract<FailureReason, 'PAYMENT_DECLINED' | 'PAYMENT_INSUFFICIENT_FUNDS' | 'PAYMENT_TIMEOUT'>;

/** Who made a change: the customer or an admin through the API, or the saga (`system`). */
export type Actor = 'customer' | 'admin' | 'system';

/** The longest reason a history row carries (contract: maxLength 200). */
export const MAX_REASON_LENGTH = 200;

export interface OrderItem {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface ShippingAddress {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

/** One history row: a change of `status` or of `paymentStatus` (`from` null at creation). */
export interface OrderChange {
  kind: 'status' | 'paymentStatus';
  from: OrderStatus | PaymentStatus | null;
  to: OrderStatus | PaymentStatus;
  at: Date;
  actor: Actor;
  reason: string | null;
}

/** What cart.cart.checked-out says about the order to create (the token stays with the saga). */
export interface PlacedOrder {
  orderId: string;
  cartId: string;
  customerId: string;
  items: OrderItem[];
  totalCents: number;
  currency: string;
  shippingAddress: ShippingAddress;
}

export const orderNotFound = () => new NotFoundError('ORDER_NOT_FOUND', 'No order with this id.');

/** A reason fit for a history row: trimmed, at most MAX_REASON_LENGTH characters. */
export function historyReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? '';
  return trimmed.length === 0 ? null : trimmed.slice(0, MAX_REASON_LENGTH);
}

/**
 * An order: the cart's snapshot at checkout (lines, prices, total, address), its status and its
 * payment status. Every change goes through one of the two status tables and returns the history
 * row to store with it, in the same transaction.
 */
export class Order {
  readonly id: string;
  readonly customerId: string;
  readonly cartId: string;
  status: OrderStatus = 'pending';
  paymentStatus: PaymentStatus = 'pending';
  readonly items: OrderItem[];
  readonly totalCents: number;
  readonly currency: string;
  readonly shippingAddress: ShippingAddress;
  failureReason: FailureReason | null = null;
  trackingNumber: string | null = null;
  readonly createdAt: Date;
  updatedAt: Date;

  constructor(placed: PlacedOrder, now = new Date()) {
    if (placed.items.length === 0) throw new RangeError('an order has at least one line');
    const sum = placed.items.reduce((total, i) => total + i.unitPriceCents * i.quantity, 0);
    // The cart computed the total; the order keeps its own lines consistent with it.
    if (sum !== placed.totalCents) throw new RangeError(`totalCents ${placed.totalCents} is not the sum of the lines (${sum})`);
    this.id = placed.orderId;
    this.customerId = placed.customerId;
    this.cartId = placed.cartId;
    this.items = placed.items.map((i) => ({ productId: i.productId, name: i.name, unitPriceCents: i.unitPriceCents, quantity: i.quantity }));
    this.totalCents = placed.totalCents;
    this.currency = placed.currency;
    this.shippingAddress = { ...placed.shippingAddress };
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** The history rows of the creation: status and payment status, both pending. */
  created(): OrderChange[] {
    return [
      { kind: 'status', from: null, to: 'pending', at: this.createdAt, actor: 'system', reason: null },
      { kind: 'paymentStatus', from: null, to: 'pending', at: this.createdAt, actor: 'system', reason: null },
    ];
  }

  isOwnedBy(customerId: string): boolean {
    return this.customerId === customerId;
  }

  /** The saga committed stock and took the payment. */
  confirm(now = new Date()): OrderChange {
    return this.move('processing', 'system', null, now);
  }

  /** `reason` is the failure code; `note` (the reason given to cancelOrder) replaces it in the history when there is one. */
  cancel(reason: FailureReason, actor: Actor, note: string | null = null, now = new Date()): OrderChange {
    const change = this.move('cancelled', actor, historyReason(note) ?? reason, now);
    this.failureReason = reason;
    return change;
  }

  ship(trackingNumber: string, now = new Date()): OrderChange {
    const tracking = trackingNumber.trim();
    // The contract checks the length; a blank one gets past it and is refused here, as a 400.
    if (tracking.length === 0 || tracking.length > 100) {
      throw new ValidationError('The tracking number is blank.', [{ path: '/body/trackingNumber', message: 'must contain 1 to 100 non-blank characters' }]);
    }
    const change = this.move('shipped', 'admin', null, now);
    this.trackingNumber = tracking;
    return change;
  }

  deliver(now = new Date()): OrderChange {
    return this.move('delivered', 'admin', null, now);
  }

  movePayment(to: PaymentStatus, actor: Actor, reason: string | null, now = new Date()): OrderChange {
    paymentStatus.assert(this.paymentStatus, to);
    const change: OrderChange = { kind: 'paymentStatus', from: this.paymentStatus, to, at: now, actor, reason: historyReason(reason) };
    this.paymentStatus = to;
    this.updatedAt = now;
    return change;
  }

  private move(to: OrderStatus, actor: Actor, reason: string | null, now: Date): OrderChange {
    orderStatus.assert(this.status, to);
    const change: OrderChange = { kind: 'status', from: this.status, to, at: now, actor, reason };
    this.status = to;
    this.updatedAt = now;
    return change;
  }
}
