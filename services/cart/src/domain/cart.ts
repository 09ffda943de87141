import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UnprocessableError } from '@commerce/shared';
import { cartStatus, type CartStatus } from './cart-status.js';

/** The store sells in one currency. */
export const STORE_CURRENCY = 'USD';
export const MAX_LINE_QUANTITY = 99;
/** The checked-out event carries at most 100 lines (contracts/events/cart.cart.checked-out). */
export const MAX_LINES = 100;

/** What a cart needs to know of a product to add it (from the read model). */
export interface PricedProduct {
  productId: string;
  name: string;
  priceCents: number;
  available: number;
}

export class CartItem {
  readonly id: string = randomUUID();
  readonly cartId: string;
  readonly productId: string;
  /** Snapshots taken when the line was first added: the line keeps them. */
  readonly name: string;
  readonly unitPriceCents: number;
  quantity: number;
  readonly addedAt: Date;

  constructor(cartId: string, product: PricedProduct, quantity: number, now = new Date()) {
    this.cartId = cartId;
    this.productId = product.productId;
    this.name = product.name;
    this.unitPriceCents = product.priceCents;
    this.quantity = quantity;
    this.addedAt = now;
  }

  get lineTotalCents(): number {
    return this.unitPriceCents * this.quantity;
  }
}

export const cartNotFound = () => new NotFoundError('CART_NOT_FOUND', 'No such cart.');
export const cartItemNotFound = () => new NotFoundError('CART_ITEM_NOT_FOUND', 'No such item in this cart.');
export const cartNotPending = (status: CartStatus) => new ConflictError('CART_NOT_PENDING', `The cart is ${status}; only a pending cart can be changed.`);
export const quantityLimit = () => new UnprocessableError('QUANTITY_LIMIT', `A line can hold at most ${MAX_LINE_QUANTITY} of a product.`);
export const lineLimit = () => new UnprocessableError('QUANTITY_LIMIT', `A cart can hold at most ${MAX_LINES} different products.`);
export const insufficientStock = (available: number) =>
  new ConflictError('INSUFFICIENT_STOCK', `Only ${available} of this product are available right now.`);
export const cartEmpty = () => new UnprocessableError('CART_EMPTY', 'An empty cart cannot be checked out.');

/**
 * A customer's cart. Lines keep the price snapshot of when they were added; totals are computed
 * here in integer cents, never taken from a client. Status changes go through the status table.
 * `items` is loaded and saved beside the cart by the persistence layer.
 */
export class Cart {
  readonly id: string = randomUUID();
  readonly customerId: string;
  status: CartStatus = 'pending';
  orderId: string | null = null;
  readonly createdAt: Date;
  updatedAt: Date;
  items: CartItem[] = [];

  constructor(customerId: string, now = new Date()) {
    this.customerId = customerId;
    this.createdAt = now;
    this.updatedAt = now;
  }

  get itemCount(): number {
    return this.items.reduce((sum, item) => sum + item.quantity, 0);
  }

  get totalCents(): number {
    return this.items.reduce((sum, item) => sum + item.lineTotalCents, 0);
  }

  isOwnedBy(customerId: string): boolean {
    return this.customerId === customerId;
  }

  item(itemId: string): CartItem {
    const item = this.items.find((i) => i.id === itemId);
    if (!item) throw cartItemNotFound();
    return item;
  }

  /**
   * Adds to the product's line (creating it at the product's current price). The line's total
   * quantity must stay within 1..99 (QUANTITY_LIMIT) and within `available` (INSUFFICIENT_STOCK,
   * advisory: the checkout's reservation is the real guard). Returns the line and whether it is new.
   */
  addItem(product: PricedProduct, quantity: number, now = new Date()): { item: CartItem; created: boolean } {
    this.assertEditable();
    const existing = this.items.find((i) => i.productId === product.productId);
    const wanted = (existing?.quantity ?? 0) + quantity;
    assertQuantity(wanted, product.available);
    this.updatedAt = now;
    if (existing) {
      existing.quantity = wanted;
      return { item: existing, created: false };
    }
    if (this.items.length >= MAX_LINES) throw lineLimit();
    const item = new CartItem(this.id, product, quantity, now);
    this.items.push(item);
    return { item, created: true };
  }

  changeQuantity(itemId: string, quantity: number, available: number, now = new Date()): CartItem {
    this.assertEditable();
    const item = this.item(itemId);
    assertQuantity(quantity, available);
    item.quantity = quantity;
    this.updatedAt = now;
    return item;
  }

  removeItem(itemId: string, now = new Date()): CartItem {
    this.assertEditable();
    const item = this.item(itemId);
    this.items = this.items.filter((i) => i !== item);
    this.updatedAt = now;
    return item;
  }

  /**
   * When a cancelled order reopens this cart while the customer already started another pending
   * cart (at most one may be pending), the other cart's lines are copied into this one (same
   * product: quantities add up, capped at 99; this cart's price snapshot stays); the caller
   * abandons the other. Returns the lines created here.
   */
  absorb(other: Cart, now = new Date()): CartItem[] {
    this.assertEditable();
    const created: CartItem[] = [];
    for (const line of other.items) {
      const mine = this.items.find((i) => i.productId === line.productId);
      if (mine) {
        mine.quantity = Math.min(MAX_LINE_QUANTITY, mine.quantity + line.quantity);
      } else if (this.items.length < MAX_LINES) {
        const item = new CartItem(this.id, { productId: line.productId, name: line.name, priceCents: line.unitPriceCents, available: line.quantity }, line.quantity, line.addedAt);
        this.items.push(item);
        created.push(item);
      }
    }
    this.updatedAt = now;
    return created;
  }

  /** pending → abandoned. */
  abandon(now = new Date()): void {
    this.moveTo('abandoned', now);
  }

  /** pending → submitted with the id the new order will have; the cart must not be empty. */
  submit(orderId: string, now = new Date()): void {
    cartStatus.assert(this.status, 'submitted');
    if (this.items.length === 0) throw cartEmpty();
    this.orderId = orderId;
    this.moveTo('submitted', now);
  }

  /** submitted → converted: the order went through. */
  convert(now = new Date()): void {
    this.moveTo('converted', now);
  }

  /** submitted → pending: the order was cancelled; the cart reopens so the customer can fix it and retry. */
  reopen(now = new Date()): void {
    this.moveTo('pending', now);
    this.orderId = null;
  }

  private moveTo(status: CartStatus, now: Date): void {
    cartStatus.assert(this.status, status);
    this.status = status;
    this.updatedAt = now;
  }

  /** Lines change only while the cart is pending (409 CART_NOT_PENDING). */
  assertEditable(): void {
    if (this.status !== 'pending') throw cartNotPending(this.status);
  }
}

function assertQuantity(quantity: number, available: number): void {
  if (quantity > MAX_LINE_QUANTITY) throw quantityLimit();
  if (quantity > available) throw insufficientStock(available);
}
