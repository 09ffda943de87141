import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Order, historyReason, type PlacedOrder } from '../../src/domain/order.js';
import { Saga } from '../../src/domain/saga-instance.js';

const placed = (overrides: Partial<PlacedOrder> = {}): PlacedOrder => ({
  orderId: randomUUID(),
  cartId: randomUUID(),
  customerId: randomUUID(),
  items: [{ productId: randomUUID(), name: 'Mug', unitPriceCents: 1299, quantity: 2 }],
  totalCents: 2598,
  currency: 'USD',
  shippingAddress: { line1: '1 Market Street', line2: null, city: 'San Francisco', postalCode: '94105', country: 'US' },
  ...overrides,
});
const at = new Date('2025-01-21T14:10:00.000Z');

describe('Order', () => {
  it('is created pending with payment pending, and two creation history rows', () => {
    const order = new Order(placed(), at);
    expect(order).to.include({ status: 'pending', paymentStatus: 'pending', failureReason: null, trackingNumber: null });
    expect(order.created()).to.deep.equal([
      { kind: 'status', from: null, to: 'pending', at, actor: 'system', reason: null },
      { kind: 'paymentStatus', from: null, to: 'pending', at, actor: 'system', reason: null },
    ]);
  });

  it('refuses a snapshot whose total is not the sum of its lines, or that has no lines', () => {
    expect(() => new Order(placed({ totalCents: 1 }))).to.throw(RangeError);
    expect(() => new Order(placed({ items: [], totalCents: 0 }))).to.throw(RangeError);
  });

  it('keeps its own copy of the snapshot', () => {
    const p = placed();
    const order = new Order(p);
    p.items[0]!.quantity = 99;
    p.shippingAddress.city = 'Elsewhere';
    expect(order.items[0]!.quantity).to.equal(2);
    expect(order.shippingAddress.city).to.equal('San Francisco');
  });

  it('goes processing → shipped (with the tracking number) → delivered, each change a history row by its actor', () => {
    const order = new Order(placed(), at);
    expect(order.confirm(at)).to.deep.include({ kind: 'status', from: 'pending', to: 'processing', actor: 'system' });
    expect(order.ship(' 1Z999 ', at)).to.deep.include({ from: 'processing', to: 'shipped', actor: 'admin' });
    expect(order.trackingNumber).to.equal('1Z999');
    expect(order.deliver(at)).to.deep.include({ from: 'shipped', to: 'delivered', actor: 'admin' });
    expect(() => order.cancel('CUSTOMER_CANCELLED', 'customer')).to.throw(/order cannot go from delivered to cancelled/);
  });

  it('refuses an empty or over-long tracking number, and shipping a pending order', () => {
    const order = new Order(placed());
    expect(() => order.ship('x')).to.throw(/pending to shipped/);
    order.confirm();
    expect(() => order.ship('  ')).to.throw().with.property('code', 'VALIDATION_FAILED');
    expect(() => order.ship('x'.repeat(101))).to.throw().with.property('code', 'VALIDATION_FAILED');
  });

  it('on cancel keeps the failure reason, and the history row carries the note given or the code', () => {
    const a = new Order(placed());
    expect(a.cancel('CUSTOMER_CANCELLED', 'customer', 'Ordered the wrong size').reason).to.equal('Ordered the wrong size');
    expect(a.failureReason).to.equal('CUSTOMER_CANCELLED');
    const b = new Order(placed());
    expect(b.cancel('PAYMENT_DECLINED', 'system').reason).to.equal('PAYMENT_DECLINED');
  });

  it('moves its payment status through the payment table only', () => {
    const order = new Order(placed());
    expect(order.movePayment('failed', 'system', 'PAYMENT_TIMEOUT')).to.deep.include({ kind: 'paymentStatus', from: 'pending', to: 'failed', reason: 'PAYMENT_TIMEOUT' });
    expect(order.movePayment('refunded', 'system', 'late charge refunded')).to.deep.include({ from: 'failed', to: 'refunded' });
    expect(() => order.movePayment('completed', 'system', null)).to.throw(/payment cannot go from refunded to completed/);
  });

  it('knows its owner', () => {
    const p = placed();
    const order = new Order(p);
    expect(order.isOwnedBy(p.customerId)).to.equal(true);
    expect(order.isOwnedBy(randomUUID())).to.equal(false);
  });

  it('history reasons are trimmed, blank is null, and long ones are cut to 200 characters', () => {
    expect(historyReason('  why  ')).to.equal('why');
    expect(historyReason('   ')).to.equal(null);
    expect(historyReason(null)).to.equal(null);
    expect(historyReason('x'.repeat(300))).to.have.length(200);
  });
});

describe('Saga row', () => {
  const timeouts = { stock: 1000, payment: 5000 };

  it('starts reserving stock with the stock deadline and the token', () => {
    const saga = new Saga(randomUUID(), 'tok_visa', timeouts, at);
    expect(saga).to.include({ state: 'reserving_stock', attempts: 0, paymentToken: 'tok_visa', isFinal: false });
    expect(saga.stepDeadline).to.deep.equal(new Date(at.getTime() + 1000));
  });

  it('forgets the token on leaving reserving_stock; a working state gets its step deadline, a final one none', () => {
    const saga = new Saga(randomUUID(), 'tok_visa', timeouts, at);
    saga.retried(timeouts, new Date(at.getTime() + 1000));
    expect(saga.attempts).to.equal(1);
    saga.enter('authorizing_payment', timeouts, at);
    expect(saga).to.include({ paymentToken: null, attempts: 0 });
    expect(saga.stepDeadline).to.deep.equal(new Date(at.getTime() + 5000));
    saga.enter('compensated', timeouts, at);
    expect(saga.stepDeadline).to.equal(null);
    expect(saga.isFinal).to.equal(true);
    expect(() => saga.enter('completed', timeouts, at)).to.throw(/saga cannot go from compensated to completed/);
  });
});
