import { expect } from 'chai';
import { decide, sagaState, type SagaEvent, type SagaState, type SagaView } from '../../src/domain/saga.js';
import type { OrderStatus } from '../../src/domain/order-status.js';
import type { PaymentStatus } from '../../src/domain/payment-status.js';

const policy = { maxReserveAttempts: 3 };

/** The view of a saga in `state`, with the order and payment statuses that state goes with. */
function view(state: SagaState, overrides: Partial<SagaView> = {}): SagaView {
  const statuses: Record<SagaState, [OrderStatus, PaymentStatus]> = {
    reserving_stock: ['pending', 'pending'],
    authorizing_payment: ['pending', 'pending'],
    committing_stock: ['pending', 'completed'],
    completed: ['processing', 'completed'],
    compensated: ['cancelled', 'failed'],
    cancelled: ['cancelled', 'failed'],
  };
  const [orderStatus, paymentStatus] = statuses[state];
  return { state, orderStatus, paymentStatus, attempts: 0, ...overrides };
}

const customerCancel: SagaEvent = { type: 'cancel', by: 'customer', note: 'Ordered the wrong size' };
const conflict = (error: unknown) => (error as { code?: string; status?: number }).code === 'INVALID_TRANSITION' && (error as { status?: number }).status === 409;

describe('the saga decision: happy path', () => {
  it('given reserving_stock, when stock is reserved, then it authorizes the payment', () => {
    expect(decide(view('reserving_stock'), { type: 'stock.reserved' }, policy)).to.deep.include({
      saga: 'authorizing_payment',
      commands: [{ type: 'payment.authorize-payment' }],
    });
  });

  it('given authorizing_payment, when the payment completes, then the payment is completed and stock committed', () => {
    const d = decide(view('authorizing_payment'), { type: 'payment.completed' }, policy);
    expect(d).to.deep.include({ saga: 'committing_stock', payment: { to: 'completed', actor: 'system', reason: null }, commands: [{ type: 'catalog.commit-stock' }] });
    expect(d.order).to.equal(undefined);
  });

  it('given committing_stock, when stock is committed, then the order is processing and confirmed', () => {
    expect(decide(view('committing_stock'), { type: 'stock.committed' }, policy)).to.deep.include({
      saga: 'completed',
      order: { to: 'processing' },
      commands: [{ type: 'order.order.confirmed' }],
    });
  });

  it('every state the decisions move to is allowed by the saga table from where they start', () => {
    const events: SagaEvent[] = [
      { type: 'stock.reserved' }, { type: 'stock.rejected' }, { type: 'stock.committed' }, { type: 'stock.released', reason: 'expired' },
      { type: 'stock.restocked' }, { type: 'payment.completed' }, { type: 'payment.failed', reason: 'PAYMENT_DECLINED' },
      { type: 'payment.refunded', reason: 'x' }, { type: 'deadline' }, customerCancel,
    ];
    for (const state of sagaState.states) {
      for (const event of events) {
        let d;
        try {
          d = decide(view(state), event, policy);
        } catch (error) {
          expect(conflict(error), `${state} + ${event.type}`).to.equal(true);
          continue;
        }
        if (d.saga) expect(sagaState.can(state, d.saga), `${state} → ${d.saga} on ${event.type}`).to.equal(true);
      }
    }
  });
});

describe('the saga decision: failures compensate', () => {
  it('given reserving_stock, when the reservation is rejected, then OUT_OF_STOCK with nothing to release and no payment', () => {
    expect(decide(view('reserving_stock'), { type: 'stock.rejected' }, policy)).to.deep.include({
      saga: 'compensated',
      order: { to: 'cancelled', reason: 'OUT_OF_STOCK', actor: 'system', note: null },
      payment: { to: 'failed', actor: 'system', reason: 'OUT_OF_STOCK' },
      commands: [{ type: 'order.order.cancelled', reason: 'OUT_OF_STOCK' }],
    });
  });

  for (const reason of ['PAYMENT_DECLINED', 'PAYMENT_INSUFFICIENT_FUNDS', 'PAYMENT_TIMEOUT'] as const) {
    it(`given authorizing_payment, when the payment fails ${reason}, then release the stock and cancel with that reason`, () => {
      expect(decide(view('authorizing_payment'), { type: 'payment.failed', reason }, policy)).to.deep.include({
        saga: 'compensated',
        order: { to: 'cancelled', reason, actor: 'system', note: null },
        payment: { to: 'failed', actor: 'system', reason },
        commands: [{ type: 'catalog.release-stock', reason }, { type: 'order.order.cancelled', reason }],
      });
    });
  }

  it('given authorizing_payment, when the reservation expires at the catalog, then PAYMENT_TIMEOUT (nothing left to release)', () => {
    expect(decide(view('authorizing_payment'), { type: 'stock.released', reason: 'expired' }, policy)).to.deep.include({
      saga: 'compensated',
      commands: [{ type: 'order.order.cancelled', reason: 'PAYMENT_TIMEOUT' }],
    });
  });

  it('given committing_stock, when the reservation expires before the commit, then refund (the payment stays completed until refunded) and OUT_OF_STOCK', () => {
    const d = decide(view('committing_stock'), { type: 'stock.released', reason: 'expired' }, policy);
    expect(d).to.deep.include({
      saga: 'compensated',
      order: { to: 'cancelled', reason: 'OUT_OF_STOCK', actor: 'system', note: null },
      commands: [{ type: 'payment.refund-payment', reason: 'OUT_OF_STOCK' }, { type: 'order.order.cancelled', reason: 'OUT_OF_STOCK' }],
    });
    expect(d.payment).to.equal(undefined);
  });
});

describe('the saga decision: deadlines', () => {
  it('given reserving_stock before the last attempt, when the deadline passes, then reserve-stock is sent again', () => {
    expect(decide(view('reserving_stock', { attempts: 1 }), { type: 'deadline' }, policy)).to.deep.include({ retry: true, commands: [{ type: 'catalog.reserve-stock' }] });
  });

  it('given reserving_stock at the last attempt, when the deadline passes, then OUT_OF_STOCK and release whatever a late reservation holds', () => {
    expect(decide(view('reserving_stock', { attempts: 2 }), { type: 'deadline' }, policy)).to.deep.include({
      saga: 'compensated',
      commands: [{ type: 'catalog.release-stock', reason: 'OUT_OF_STOCK' }, { type: 'order.order.cancelled', reason: 'OUT_OF_STOCK' }],
    });
  });

  it('given authorizing_payment, when the deadline passes, then PAYMENT_TIMEOUT: release and cancel', () => {
    expect(decide(view('authorizing_payment'), { type: 'deadline' }, policy)).to.deep.include({
      saga: 'compensated',
      payment: { to: 'failed', actor: 'system', reason: 'PAYMENT_TIMEOUT' },
      commands: [{ type: 'catalog.release-stock', reason: 'PAYMENT_TIMEOUT' }, { type: 'order.order.cancelled', reason: 'PAYMENT_TIMEOUT' }],
    });
  });

  it('given committing_stock, when the deadline passes (however often), then commit-stock is sent again and nothing is compensated', () => {
    const d = decide(view('committing_stock', { attempts: 50 }), { type: 'deadline' }, policy);
    expect(d).to.deep.include({ retry: true, commands: [{ type: 'catalog.commit-stock' }] });
    expect(d.saga).to.equal(undefined);
    expect(d.order).to.equal(undefined);
  });
});

describe('the saga decision: cancel', () => {
  it('given reserving_stock, when the customer cancels, then release, payment failed, CUSTOMER_CANCELLED with their reason as the note', () => {
    expect(decide(view('reserving_stock'), customerCancel, policy)).to.deep.include({
      saga: 'cancelled',
      order: { to: 'cancelled', reason: 'CUSTOMER_CANCELLED', actor: 'customer', note: 'Ordered the wrong size' },
      payment: { to: 'failed', actor: 'customer', reason: 'CUSTOMER_CANCELLED' },
      commands: [{ type: 'catalog.release-stock', reason: 'CUSTOMER_CANCELLED' }, { type: 'order.order.cancelled', reason: 'CUSTOMER_CANCELLED' }],
    });
  });

  it('given authorizing_payment, when an admin cancels, then release and ADMIN_CANCELLED (a charge in flight is refunded when it lands)', () => {
    expect(decide(view('authorizing_payment'), { type: 'cancel', by: 'admin', note: null }, policy)).to.deep.include({
      saga: 'cancelled',
      commands: [{ type: 'catalog.release-stock', reason: 'ADMIN_CANCELLED' }, { type: 'order.order.cancelled', reason: 'ADMIN_CANCELLED' }],
    });
  });

  it('given committing_stock (paid), when cancelled, then release and refund; the payment stays completed until refunded', () => {
    const d = decide(view('committing_stock'), customerCancel, policy);
    expect(d.commands).to.deep.equal([
      { type: 'catalog.release-stock', reason: 'CUSTOMER_CANCELLED' },
      { type: 'payment.refund-payment', reason: 'CUSTOMER_CANCELLED' },
      { type: 'order.order.cancelled', reason: 'CUSTOMER_CANCELLED' },
    ]);
    expect(d.payment).to.equal(undefined);
  });

  it('given completed (processing), when cancelled, then restock and refund', () => {
    expect(decide(view('completed'), customerCancel, policy)).to.deep.include({
      saga: 'cancelled',
      commands: [
        { type: 'catalog.restock', reason: 'CUSTOMER_CANCELLED' },
        { type: 'payment.refund-payment', reason: 'CUSTOMER_CANCELLED' },
        { type: 'order.order.cancelled', reason: 'CUSTOMER_CANCELLED' },
      ],
    });
  });

  for (const orderStatus of ['shipped', 'delivered'] as const) {
    it(`given a ${orderStatus} order, when cancelled, then 409 INVALID_TRANSITION`, () => {
      expect(() => decide(view('completed', { orderStatus }), customerCancel, policy)).to.throw().that.satisfies(conflict);
    });
  }

  it('given a cancelled order, when cancelled again, then 409 INVALID_TRANSITION', () => {
    expect(() => decide(view('cancelled'), customerCancel, policy)).to.throw().that.satisfies(conflict);
    expect(() => decide(view('compensated'), customerCancel, policy)).to.throw().that.satisfies(conflict);
  });
});

describe('the saga decision: late answers are compensated, duplicates change nothing', () => {
  for (const state of ['compensated', 'cancelled'] as const) {
    it(`given ${state}, when stock.reserved arrives, then release-stock again`, () => {
      expect(decide(view(state), { type: 'stock.reserved' }, policy).commands.map((c) => c.type)).to.deep.equal(['catalog.release-stock']);
    });
    it(`given ${state}, when stock.committed arrives, then restock`, () => {
      expect(decide(view(state), { type: 'stock.committed' }, policy).commands.map((c) => c.type)).to.deep.equal(['catalog.restock']);
    });
    it(`given ${state}, when payment.completed arrives, then refund-payment`, () => {
      expect(decide(view(state), { type: 'payment.completed' }, policy).commands.map((c) => c.type)).to.deep.equal(['payment.refund-payment']);
    });
    it(`given ${state}, when payment.failed, a rejection, released or restocked arrives, then nothing`, () => {
      for (const event of [{ type: 'payment.failed', reason: 'PAYMENT_TIMEOUT' }, { type: 'stock.rejected' }, { type: 'stock.released', reason: null }, { type: 'stock.restocked' }] as SagaEvent[]) {
        const d = decide(view(state), event, policy);
        expect(d.commands, event.type).to.deep.equal([]);
        expect(d.saga).to.equal(undefined);
      }
    });
  }

  const duplicates: [SagaState, SagaEvent][] = [
    ['authorizing_payment', { type: 'stock.reserved' }],
    ['committing_stock', { type: 'stock.reserved' }],
    ['committing_stock', { type: 'payment.completed' }],
    ['completed', { type: 'stock.reserved' }],
    ['completed', { type: 'payment.completed' }],
    ['completed', { type: 'stock.committed' }],
    ['completed', { type: 'deadline' }],
    ['reserving_stock', { type: 'payment.completed' }],
    ['reserving_stock', { type: 'stock.released', reason: null }],
    ['authorizing_payment', { type: 'stock.committed' }],
    ['committing_stock', { type: 'payment.failed', reason: 'PAYMENT_DECLINED' }],
  ];
  for (const [state, event] of duplicates) {
    it(`given ${state}, when ${event.type} arrives (a duplicate or out of place), then nothing changes and nothing is sent`, () => {
      const d = decide(view(state), event, policy);
      expect(d).to.deep.equal({ commands: [], note: d.note });
    });
  }
});

describe('the saga decision: refunds', () => {
  it('given a completed payment, when refunded, then the payment is refunded with the reason', () => {
    expect(decide(view('cancelled', { paymentStatus: 'completed' }), { type: 'payment.refunded', reason: 'CUSTOMER_CANCELLED' }, policy).payment).to.deep.equal({
      to: 'refunded', actor: 'system', reason: 'CUSTOMER_CANCELLED',
    });
  });

  it('given a failed payment, when refunded (a late charge), then refunded with a reason that says so', () => {
    expect(decide(view('compensated'), { type: 'payment.refunded', reason: 'late charge of a cancelled order' }, policy).payment).to.deep.equal({
      to: 'refunded', actor: 'system', reason: 'late charge refunded: late charge of a cancelled order',
    });
  });

  it('given a refunded payment, when refunded again, then nothing', () => {
    expect(decide(view('cancelled', { paymentStatus: 'refunded' }), { type: 'payment.refunded', reason: 'x' }, policy)).to.deep.include({ commands: [] }).and.not.have.property('payment');
  });

  it('given a pending payment, when a refund arrives before its charge, then the message is deferred', () => {
    expect(decide(view('authorizing_payment'), { type: 'payment.refunded', reason: 'x' }, policy)).to.deep.include({ defer: true, commands: [] });
  });

  it('given a processing order whose payment an admin refunded, then only the payment status follows; the order stays processing', () => {
    const d = decide(view('completed'), { type: 'payment.refunded', reason: 'goodwill' }, policy);
    expect(d.order).to.equal(undefined);
    expect(d.saga).to.equal(undefined);
    expect(d.payment).to.deep.include({ to: 'refunded' });
  });
});
