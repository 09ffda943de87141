import { randomUUID } from 'node:crypto';
import type { MovementKind } from './inventory.js';
import type { ReservationStatus } from './reservation.js';

/**
 * Plain data classes of the stock tables (inventory, stock_movements, reservations), mapped in
 * src/persistence/schemas.ts. Kept minimal on purpose: the inventory part (reservations, commits,
 * adjustments) adds its rules here or in its own domain files.
 */

export type StockMovementKind = MovementKind;

/** One row per product: `available = onHand - reserved`; the database CHECKs `reserved >= 0` and `onHand >= reserved`. */
export class Inventory {
  readonly productId: string;
  onHand: number;
  reserved: number;
  updatedAt: Date;

  constructor(props: { productId: string; onHand?: number; reserved?: number }, now = new Date()) {
    this.productId = props.productId;
    this.onHand = props.onHand ?? 0;
    this.reserved = props.reserved ?? 0;
    this.updatedAt = now;
  }
}

/** The audit trail: one row per change of a product's stock, with the figures after it. */
export class StockMovement {
  readonly id: string = randomUUID();
  readonly productId: string;
  readonly kind: StockMovementKind;
  readonly deltaOnHand: number;
  readonly deltaReserved: number;
  readonly onHandAfter: number;
  readonly reservedAfter: number;
  readonly reason: string | null;
  readonly orderId: string | null;
  /** The admin's customer id, or "system". */
  readonly actor: string;
  readonly createdAt: Date;

  constructor(
    props: {
      productId: string;
      kind: StockMovementKind;
      deltaOnHand: number;
      deltaReserved: number;
      onHandAfter: number;
      reservedAfter: number;
      reason?: string | null;
      orderId?: string | null;
      actor: string;
    },
    now = new Date(),
  ) {
    this.productId = props.productId;
    this.kind = props.kind;
    this.deltaOnHand = props.deltaOnHand;
    this.deltaReserved = props.deltaReserved;
    this.onHandAfter = props.onHandAfter;
    this.reservedAfter = props.reservedAfter;
    this.reason = props.reason ?? null;
    this.orderId = props.orderId ?? null;
    this.actor = props.actor;
    this.createdAt = now;
  }
}

/** Stock held for one order line until it is committed, released or restocked. Key: (orderId, productId). */
export class Reservation {
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
  status: ReservationStatus = 'held';
  expiresAt: Date;
  readonly createdAt: Date;
  updatedAt: Date;

  constructor(props: { orderId: string; productId: string; quantity: number; expiresAt: Date }, now = new Date()) {
    this.orderId = props.orderId;
    this.productId = props.productId;
    this.quantity = props.quantity;
    this.expiresAt = props.expiresAt;
    this.createdAt = now;
    this.updatedAt = now;
  }
}
