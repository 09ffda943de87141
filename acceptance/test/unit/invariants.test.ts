import { expect } from 'chai';
import { type InventoryRow, type OrderRow, type PaymentRow, type ReservationRow, type Snapshot, compare, formatReport } from '../../src/invariants.js';

// The checker's rules on hand-made rows: a consistent snapshot, then one fault at a time, each of
// which must be reported (and only it).
const P1 = 'product-1';
const P2 = 'product-2';

function stock(productId: string, onHand: number, reserved = 0, ledger = true): InventoryRow {
  return { productId, onHand, reserved, ledgerOnHand: ledger ? onHand : null, ledgerReserved: ledger ? reserved : null };
}
function order(id: string, status: OrderRow['status'], paymentStatus: OrderRow['paymentStatus'], items: [string, number][], extra: Partial<OrderRow> = {}): OrderRow {
  const sagaState = status === 'pending' ? 'authorizing_payment' : status === 'cancelled' ? 'compensated' : 'completed';
  return { id, status, paymentStatus, failureReason: status === 'cancelled' ? 'PAYMENT_DECLINED' : null, totalCents: 1000, items: items.map(([productId, quantity]) => ({ productId, quantity })), sagaState, ...extra };
}
function reservation(orderId: string, productId: string, quantity: number, status: ReservationRow['status']): ReservationRow {
  return { orderId, productId, quantity, status };
}
function payment(id: string, orderId: string, status: PaymentRow['status'], amountCents = 1000): PaymentRow {
  return { id, orderId, status, amountCents, providerReference: status === 'completed' || status === 'refunded' ? `ch_${id}` : null };
}

/** Two processing orders, a declined one, an out-of-stock one, a refunded one, and one in flight. */
function consistent(): Snapshot {
  return {
    inventory: [stock(P1, 7, 1), stock(P2, 3)],
    reservations: [
      reservation('o-ok1', P1, 2, 'committed'),
      reservation('o-ok2', P1, 1, 'committed'),
      reservation('o-ok2', P2, 1, 'committed'),
      reservation('o-declined', P1, 1, 'released'),
      reservation('o-refunded', P2, 2, 'restocked'),
      reservation('o-flying', P1, 1, 'held'),
    ],
    orders: [
      order('o-ok1', 'processing', 'completed', [[P1, 2]]),
      order('o-ok2', 'delivered', 'completed', [[P1, 1], [P2, 1]]),
      order('o-declined', 'cancelled', 'failed', [[P1, 1]]),
      order('o-oos', 'cancelled', 'failed', [[P2, 50]], { failureReason: 'OUT_OF_STOCK' }),
      order('o-refunded', 'cancelled', 'refunded', [[P2, 2]], { failureReason: 'CUSTOMER_CANCELLED', sagaState: 'cancelled' }),
      order('o-flying', 'pending', 'pending', [[P1, 1]]),
    ],
    payments: [payment('p1', 'o-ok1', 'completed'), payment('p2', 'o-ok2', 'completed'), payment('p3', 'o-declined', 'failed'), payment('p4', 'o-refunded', 'refunded'), payment('p5', 'o-flying', 'pending')],
  };
}

function rulesOf(snapshot: Snapshot): string[] {
  return compare(snapshot).disagreements.map((d) => d.rule);
}

describe('invariant checker (hand-made rows)', () => {
  it('finds nothing wrong with a consistent snapshot, and lists the saga in flight', () => {
    const report = compare(consistent());
    expect(report.disagreements).to.deep.equal([]);
    expect(report.inFlight).to.deep.equal(['o-flying']);
    expect(report.counts).to.deep.equal({ products: 2, orders: 6, payments: 5, fulfilled: 2, cancelled: 3, completedPayments: 2 });
    expect(formatReport(report)).to.contain('consistent: no disagreement').and.contain('o-flying');
  });

  it('an empty system is consistent', () => {
    expect(compare({ inventory: [], reservations: [], orders: [], payments: [] }).disagreements).to.deep.equal([]);
  });

  it('reports negative stock and more reserved than on hand', () => {
    const s = consistent();
    s.inventory[1] = stock(P2, -1, 0);
    expect(rulesOf(s)).to.deep.equal(['stock-negative']);
  });

  it('reports stock that its ledger does not explain, and skips products without a ledger', () => {
    const s = consistent();
    s.inventory[1] = { ...stock(P2, 3), ledgerOnHand: 4 };
    expect(rulesOf(s)).to.deep.equal(['stock-ledger']);
    s.inventory[1] = stock(P2, 3, 0, false);
    expect(rulesOf(s)).to.deep.equal([]);
  });

  it('reports reserved units that no held reservation explains', () => {
    const s = consistent();
    s.inventory[0] = stock(P1, 7, 2);
    expect(rulesOf(s)).to.deep.equal(['reserved-vs-holds']);
  });

  it('reports stock still held for an order whose saga is over, or for an unknown order', () => {
    const s = consistent();
    s.reservations[3] = reservation('o-declined', P1, 1, 'held');
    s.inventory[0] = stock(P1, 7, 2);
    expect(rulesOf(s)).to.deep.equal(['hold-without-saga']);
    const t = consistent();
    t.reservations[5] = reservation('o-ghost', P1, 1, 'held');
    expect(rulesOf(t)).to.deep.equal(['unknown-order']);
  });

  it('reports units committed that no fulfilled order accounts for (a cancelled order not restocked)', () => {
    const s = consistent();
    s.reservations[4] = reservation('o-refunded', P2, 2, 'committed');
    expect(rulesOf(s)).to.have.members(['committed-vs-orders', 'order-stock']);
  });

  it('reports a fulfilled order whose stock was not committed (oversell)', () => {
    const s = consistent();
    s.reservations[0] = reservation('o-ok1', P1, 1, 'committed');
    expect(rulesOf(s)).to.have.members(['committed-vs-orders', 'order-stock']);
  });

  it('reports a committed reservation for an order the order database does not have', () => {
    const s = consistent();
    s.reservations.push(reservation('o-ghost', P2, 1, 'released'));
    expect(rulesOf(s)).to.deep.equal(['unknown-order']);
  });

  it('reports an order charged twice (two payments, or two payments on one provider charge)', () => {
    const s = consistent();
    s.payments.push(payment('p9', 'o-ok1', 'failed'));
    expect(rulesOf(s)).to.include('payment-twice');
    const t = consistent();
    t.payments[1] = { ...payment('p2', 'o-ok2', 'completed'), providerReference: 'ch_p1' };
    t.payments[0] = { ...payment('p1', 'o-ok2', 'refunded'), providerReference: 'ch_p1' };
    expect(rulesOf(t)).to.include('payment-twice');
  });

  it('reports a fulfilled order without a completed payment, and one paid a different amount', () => {
    const s = consistent();
    s.payments[0] = payment('p1', 'o-ok1', 'failed');
    expect(rulesOf(s)).to.have.members(['payment-vs-order', 'payment-status']);
    const t = consistent();
    t.payments[0] = payment('p1', 'o-ok1', 'completed', 999);
    expect(rulesOf(t)).to.deep.equal(['payment-amount']);
  });

  it('accepts a fulfilled order whose payment an admin refunded, when the order records the refund', () => {
    const s = consistent();
    s.payments[0] = payment('p1', 'o-ok1', 'refunded');
    s.orders[0] = order('o-ok1', 'processing', 'refunded', [[P1, 2]]);
    expect(rulesOf(s)).to.deep.equal([]);
    const t = consistent();
    t.payments[0] = payment('p1', 'o-ok1', 'refunded');
    expect(rulesOf(t)).to.deep.equal(['payment-status']);
  });

  it('reports money kept for a cancelled order, and a payment for an out-of-stock order', () => {
    const s = consistent();
    s.payments[2] = payment('p3', 'o-declined', 'completed');
    expect(rulesOf(s)).to.have.members(['payment-vs-order', 'payment-status']);
    const t = consistent();
    t.payments.push(payment('p8', 'o-oos', 'failed'));
    expect(rulesOf(t)).to.deep.equal(['payment-vs-order']);
  });

  it("reports an order whose payment status is not its payment's", () => {
    const s = consistent();
    s.orders[4] = { ...s.orders[4]!, paymentStatus: 'completed' };
    expect(rulesOf(s)).to.deep.equal(['payment-status']);
  });

  it('reports a payment for an unknown order', () => {
    const s = consistent();
    s.payments.push(payment('p7', 'o-ghost', 'completed'));
    expect(rulesOf(s)).to.deep.equal(['unknown-order']);
  });

  it('does not compare an order in flight (payment completed while stock is being committed)', () => {
    const s = consistent();
    s.orders[5] = { ...s.orders[5]!, paymentStatus: 'completed', sagaState: 'committing_stock' };
    s.payments[4] = payment('p5', 'o-flying', 'completed');
    s.reservations[5] = reservation('o-flying', P1, 1, 'committed');
    s.inventory[0] = stock(P1, 7, 0);
    expect(compare(s).disagreements).to.deep.equal([]);
    expect(compare(s).inFlight).to.deep.equal(['o-flying']);
  });

  it('formats every disagreement on its own line', () => {
    const s = consistent();
    s.inventory[1] = stock(P2, -1, 0);
    expect(formatReport(compare(s))).to.match(/1 disagreement\(s\):\n {2}\[stock-negative\] product product-2: onHand -1, reserved 0/);
  });
});
