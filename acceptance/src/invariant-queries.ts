/**
 * Every SQL the invariant checker runs, in one place: what it reads of the catalog, order and
 * payment databases (schemas: services/<svc>/migrations). Read-only; each read is one statement,
 * so it sees one consistent moment of its database (the three databases are read one after the
 * other, which is why the checker is meant for a settled system, see invariants.ts).
 */
import type { InventoryRow, OrderRow, PaymentRow, ReservationRow } from './invariants.js';

/** Anything that runs a query: a pg.Client or a pg.Pool. */
export interface Queryable {
  query<R extends object>(sql: string): Promise<{ rows: R[] }>;
}

/** Each product's stock, with the sums of its stock ledger (stock_movements) next to it. */
const INVENTORY_SQL = `
  select i.product_id as "productId", i.on_hand as "onHand", i.reserved,
         m.on_hand_sum::int as "ledgerOnHand", m.reserved_sum::int as "ledgerReserved"
    from inventory i
    left join (select product_id, sum(delta_on_hand) as on_hand_sum, sum(delta_reserved) as reserved_sum
                 from stock_movements group by product_id) m on m.product_id = i.product_id`;

const RESERVATIONS_SQL = `
  select order_id as "orderId", product_id as "productId", quantity, status
    from reservations`;

/** Orders with their item quantities and the saga's state (null if an order has no saga row). */
const ORDERS_SQL = `
  select o.id, o.status, o.payment_status as "paymentStatus", o.failure_reason as "failureReason",
         o.total_cents as "totalCents",
         (select coalesce(json_agg(json_build_object('productId', it->>'productId', 'quantity', (it->>'quantity')::int)), '[]'::json)
            from jsonb_array_elements(o.items) it) as items,
         s.state as "sagaState"
    from orders o
    left join sagas s on s.order_id = o.id`;

const PAYMENTS_SQL = `
  select id, order_id as "orderId", status, amount_cents as "amountCents", provider_reference as "providerReference"
    from payments`;

export async function readCatalog(db: Queryable): Promise<{ inventory: InventoryRow[]; reservations: ReservationRow[] }> {
  const inventory = (await db.query<InventoryRow>(INVENTORY_SQL)).rows;
  const reservations = (await db.query<ReservationRow>(RESERVATIONS_SQL)).rows;
  return { inventory, reservations };
}

export async function readOrders(db: Queryable): Promise<OrderRow[]> {
  return (await db.query<OrderRow>(ORDERS_SQL)).rows;
}

export async function readPayments(db: Queryable): Promise<PaymentRow[]> {
  return (await db.query<PaymentRow>(PAYMENTS_SQL)).rows;
}
