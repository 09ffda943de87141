import pg from 'pg';
import { type Queryable, readCatalog, readOrders, readPayments } from './invariant-queries.js';

/**
 * The checkout's invariants across the three databases that share it (catalog: stock and
 * reservations; order: orders and sagas; payment: payments). The fault tests assert an empty
 * report after crashes and a broker outage; an operator runs the same check on a live system
 * (`npm run -w @commerce/acceptance check`, docs/runbooks/checkout-saga.md).
 *
 * Orders whose saga is still working are "in flight": their stock may be held and their payment
 * pending or completed before the order is, so the rules that compare an order with its stock
 * and payment skip them and the report lists them instead. On a settled system the list is empty
 * and every rule applies to every order.
 */

export interface InventoryRow {
  productId: string;
  onHand: number;
  reserved: number;
  /** Sums of the product's stock_movements deltas; null when it has none. */
  ledgerOnHand: number | null;
  ledgerReserved: number | null;
}

export interface ReservationRow {
  orderId: string;
  productId: string;
  quantity: number;
  status: 'held' | 'committed' | 'released' | 'restocked';
}

export interface OrderRow {
  id: string;
  status: 'pending' | 'processing' | 'shipped' | 'delivered' | 'cancelled';
  paymentStatus: 'pending' | 'completed' | 'failed' | 'refunded';
  failureReason: string | null;
  totalCents: number;
  items: { productId: string; quantity: number }[];
  sagaState: string | null;
}

export interface PaymentRow {
  id: string;
  orderId: string;
  status: 'pending' | 'completed' | 'failed' | 'refunded';
  amountCents: number;
  providerReference: string | null;
}

export interface Snapshot {
  inventory: InventoryRow[];
  reservations: ReservationRow[];
  orders: OrderRow[];
  payments: PaymentRow[];
}

export type Rule =
  | 'stock-negative'
  | 'stock-ledger'
  | 'reserved-vs-holds'
  | 'hold-without-saga'
  | 'committed-vs-orders'
  | 'order-stock'
  | 'payment-twice'
  | 'payment-vs-order'
  | 'payment-amount'
  | 'payment-status'
  | 'unknown-order';

export interface Disagreement {
  rule: Rule;
  /** `product <id>`, `order <id>` or `payment <id>`. */
  subject: string;
  detail: string;
}

export interface InvariantReport {
  disagreements: Disagreement[];
  /** Orders whose saga is not final yet (pending, or a working saga). */
  inFlight: string[];
  counts: { products: number; orders: number; payments: number; fulfilled: number; cancelled: number; completedPayments: number };
}

const FULFILLED = new Set(['processing', 'shipped', 'delivered']);
const WORKING_SAGA = new Set(['reserving_stock', 'authorizing_payment', 'committing_stock']);

/** In flight: the order is still pending, or its saga still has a step to take. */
export function isInFlight(order: OrderRow): boolean {
  return order.status === 'pending' || (order.sagaState !== null && WORKING_SAGA.has(order.sagaState));
}

function sumBy<T>(rows: T[], key: (row: T) => string, amount: (row: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + amount(row));
  return sums;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

/** Every disagreement in one snapshot (pure: the unit tests feed it hand-made rows). */
export function compare(snapshot: Snapshot): InvariantReport {
  const found: Disagreement[] = [];
  const add = (rule: Rule, subject: string, detail: string) => found.push({ rule, subject, detail });
  const orders = new Map(snapshot.orders.map((order) => [order.id, order]));
  const inFlight = snapshot.orders.filter(isInFlight).map((order) => order.id);
  const flying = new Set(inFlight);
  const settledOrder = (orderId: string) => orders.has(orderId) && !flying.has(orderId);

  // Stock never negative, never more reserved than on hand, and the ledger explains the numbers.
  const heldByProduct = sumBy(snapshot.reservations.filter((r) => r.status === 'held'), (r) => r.productId, (r) => r.quantity);
  for (const stock of snapshot.inventory) {
    const subject = `product ${stock.productId}`;
    if (stock.onHand < 0 || stock.reserved < 0 || stock.reserved > stock.onHand) add('stock-negative', subject, `onHand ${stock.onHand}, reserved ${stock.reserved}`);
    if (stock.ledgerOnHand !== null && (stock.ledgerOnHand !== stock.onHand || stock.ledgerReserved !== stock.reserved)) {
      add('stock-ledger', subject, `inventory onHand ${stock.onHand}/reserved ${stock.reserved}, stock movements add up to ${stock.ledgerOnHand}/${stock.ledgerReserved}`);
    }
    const held = heldByProduct.get(stock.productId) ?? 0;
    if (held !== stock.reserved) add('reserved-vs-holds', subject, `reserved ${stock.reserved}, held reservations ${held}`);
  }

  // Stock is held only for sagas in flight; a settled order holds nothing.
  for (const hold of snapshot.reservations.filter((r) => r.status === 'held')) {
    if (!orders.has(hold.orderId)) add('unknown-order', `order ${hold.orderId}`, `holds ${hold.quantity} of product ${hold.productId} but the order database has no such order`);
    else if (!flying.has(hold.orderId)) add('hold-without-saga', `order ${hold.orderId}`, `${orders.get(hold.orderId)?.status} but still holds ${hold.quantity} of product ${hold.productId}`);
  }

  // Units committed = units in fulfilled orders, per product and per order.
  const settledReservations = snapshot.reservations.filter((r) => !flying.has(r.orderId));
  const committedByProduct = sumBy(settledReservations.filter((r) => r.status === 'committed'), (r) => r.productId, (r) => r.quantity);
  const fulfilledOrders = snapshot.orders.filter((order) => FULFILLED.has(order.status) && !flying.has(order.id));
  const soldByProduct = sumBy(fulfilledOrders.flatMap((order) => order.items), (item) => item.productId, (item) => item.quantity);
  for (const productId of new Set([...committedByProduct.keys(), ...soldByProduct.keys()])) {
    const committed = committedByProduct.get(productId) ?? 0;
    const sold = soldByProduct.get(productId) ?? 0;
    if (committed !== sold) add('committed-vs-orders', `product ${productId}`, `${committed} units committed, ${sold} units in processing/shipped/delivered orders`);
  }
  const reservationsByOrder = groupBy(snapshot.reservations, (r) => r.orderId);
  for (const order of snapshot.orders) {
    if (flying.has(order.id)) continue;
    const mine = reservationsByOrder.get(order.id) ?? [];
    if (FULFILLED.has(order.status)) {
      const committed = sumBy(mine.filter((r) => r.status === 'committed'), (r) => r.productId, (r) => r.quantity);
      const wanted = sumBy(order.items, (item) => item.productId, (item) => item.quantity);
      for (const productId of new Set([...committed.keys(), ...wanted.keys()])) {
        if ((committed.get(productId) ?? 0) !== (wanted.get(productId) ?? 0)) {
          add('order-stock', `order ${order.id}`, `${order.status} with ${wanted.get(productId) ?? 0} of product ${productId}, ${committed.get(productId) ?? 0} committed`);
        }
      }
    } else {
      for (const r of mine.filter((res) => res.status === 'committed')) add('order-stock', `order ${order.id}`, `${order.status} but ${r.quantity} of product ${r.productId} still committed (not restocked)`);
    }
  }
  for (const r of snapshot.reservations) {
    if (!orders.has(r.orderId) && r.status !== 'held') add('unknown-order', `order ${r.orderId}`, `a ${r.status} reservation of product ${r.productId} for an order the order database does not have`);
  }

  // One payment per order, charged exactly for the fulfilled orders, for the order's total. A
  // fulfilled order's charge may since have been refunded by an admin (POST /payments/{id}/refunds
  // leaves the order as it is); payment-status below checks that the order knows it.
  const paymentsByOrder = groupBy(snapshot.payments, (p) => p.orderId);
  for (const [orderId, payments] of paymentsByOrder) {
    if (payments.length > 1) add('payment-twice', `order ${orderId}`, `${payments.length} payments: ${payments.map((p) => `${p.id} ${p.status}`).join(', ')}`);
    const charged = payments.filter((p) => p.providerReference !== null);
    if (new Set(charged.map((p) => p.providerReference)).size < charged.length) add('payment-twice', `order ${orderId}`, 'two payments share one provider charge');
    if (!orders.has(orderId)) add('unknown-order', `order ${orderId}`, `payment(s) ${payments.map((p) => `${p.id} ${p.status}`).join(', ')} for an order the order database does not have`);
  }
  for (const order of snapshot.orders) {
    if (!settledOrder(order.id)) continue;
    const subject = `order ${order.id}`;
    const payments = paymentsByOrder.get(order.id) ?? [];
    const completed = payments.filter((p) => p.status === 'completed');
    if (FULFILLED.has(order.status)) {
      const charged = payments.filter((p) => p.status === 'completed' || p.status === 'refunded');
      if (charged.length !== 1) add('payment-vs-order', subject, `${order.status} with ${charged.length} completed or refunded payments`);
      for (const p of charged) {
        if (p.amountCents !== order.totalCents) add('payment-amount', subject, `total ${order.totalCents}, payment ${p.id} of ${p.amountCents}`);
      }
    } else if (completed.length > 0) {
      add('payment-vs-order', subject, `${order.status} but payment ${completed.map((p) => p.id).join(', ')} is completed (money kept for a cancelled order)`);
    }
    if (order.failureReason === 'OUT_OF_STOCK' && payments.length > 0) add('payment-vs-order', subject, 'cancelled OUT_OF_STOCK but a payment was attempted');
    const payment = payments[0];
    const expected = payment ? payment.status : 'failed';
    if (order.paymentStatus !== expected && !(order.paymentStatus === 'failed' && payment?.status === 'failed')) {
      add('payment-status', subject, `order paymentStatus ${order.paymentStatus}, payment ${payment ? `${payment.id} ${payment.status}` : 'none'}`);
    }
  }

  const completedPayments = snapshot.payments.filter((p) => p.status === 'completed').length;
  return {
    disagreements: found,
    inFlight,
    counts: {
      products: snapshot.inventory.length,
      orders: snapshot.orders.length,
      payments: snapshot.payments.length,
      fulfilled: snapshot.orders.filter((order) => FULFILLED.has(order.status)).length,
      cancelled: snapshot.orders.filter((order) => order.status === 'cancelled').length,
      completedPayments,
    },
  };
}

export type Database = string | Queryable;

async function withDb<T>(db: Database, read: (q: Queryable) => Promise<T>): Promise<T> {
  if (typeof db !== 'string') return read(db);
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return await read(client);
  } finally {
    await client.end();
  }
}

/** Reads the three databases (URLs or open clients) and reports every disagreement. */
export async function checkInvariants({ catalogDb, orderDb, paymentDb }: { catalogDb: Database; orderDb: Database; paymentDb: Database }): Promise<InvariantReport> {
  // Orders first: an order that settles while the others are read is compared with stock and
  // payments at least as new as itself, never older.
  const orders = await withDb(orderDb, readOrders);
  const [catalog, payments] = await Promise.all([withDb(catalogDb, readCatalog), withDb(paymentDb, readPayments)]);
  return compare({ ...catalog, orders, payments });
}

/** The report as text, for the CLI and for test failures. */
export function formatReport(report: InvariantReport): string {
  const { counts } = report;
  const lines = [
    `${counts.orders} orders (${counts.fulfilled} processing/shipped/delivered, ${counts.cancelled} cancelled, ${report.inFlight.length} in flight), ` +
      `${counts.payments} payments (${counts.completedPayments} completed), ${counts.products} products`,
  ];
  if (report.inFlight.length > 0) lines.push(`in flight (not checked against stock and payments yet): ${report.inFlight.slice(0, 20).join(', ')}${report.inFlight.length > 20 ? ', ...' : ''}`);
  if (report.disagreements.length === 0) lines.push('consistent: no disagreement');
  else {
    lines.push(`${report.disagreements.length} disagreement(s):`);
    for (const d of report.disagreements) lines.push(`  [${d.rule}] ${d.subject}: ${d.detail}`);
  }
  return lines.join('\n');
}
