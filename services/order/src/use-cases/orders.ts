import { createHash } from 'node:crypto';
import { ValidationError, decodeCursor, toPage, type EntityManager, type Page } from '@commerce/shared';
import { Order, type Actor, type OrderChange } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-status.js';
import { assertVisible, type Viewer } from './order-store.js';

export interface OrderQuery {
  status?: OrderStatus;
  customerId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalidCursor = () =>
  new ValidationError('The cursor is not valid.', [{ path: '/query/cursor', message: 'the cursor belongs to other filters' }], 'INVALID_CURSOR');

/** The filters a cursor was issued for (and whose list it is), so a cursor reused with others is refused. */
function filtersOf(query: OrderQuery, viewer: Viewer): string {
  const key = JSON.stringify([viewer.admin ? '*' : viewer.customerId, query.status ?? '', query.customerId ?? '', query.from?.toISOString() ?? '', query.to?.toISOString() ?? '']);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/**
 * Endpoint 36: newest first, keyset-paginated on (createdAt, id). A customer's list is always
 * narrowed to their own orders; their `customerId` filter can only narrow it further, so another
 * customer's id gives an empty page (never that customer's orders, nor a hint they exist).
 */
export async function listOrders(em: EntityManager, viewer: Viewer, query: OrderQuery): Promise<Page<Order>> {
  if (query.from && query.to && query.from > query.to) {
    throw new ValidationError('`from` is later than `to`.', [{ path: '/query/from', message: 'must not be later than to' }]);
  }
  const filters = filtersOf(query, viewer);
  const where: Record<string, unknown>[] = [];
  if (!viewer.admin) {
    if (query.customerId && query.customerId !== viewer.customerId) return { items: [], nextCursor: null };
    where.push({ customerId: viewer.customerId });
  } else if (query.customerId) {
    where.push({ customerId: query.customerId });
  }
  if (query.status) where.push({ status: query.status });
  if (query.from) where.push({ createdAt: { $gte: query.from } });
  if (query.to) where.push({ createdAt: { $lt: query.to } });
  if (query.cursor) {
    const [issuedFor, createdAt, id] = decodeCursor(query.cursor, 3);
    const at = new Date(String(createdAt));
    if (issuedFor !== filters || Number.isNaN(at.getTime()) || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
    where.push({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }] });
  }
  const rows = await em.find(Order, { $and: where }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 });
  return toPage(rows, query.limit, (o) => o, (o) => [filters, o.createdAt.toISOString(), o.id]);
}

/** Endpoint 37. */
export async function readOrder(em: EntityManager, orderId: string, viewer: Viewer): Promise<Order> {
  return assertVisible(await em.findOne(Order, { id: orderId }), viewer);
}

export interface HistoryEntry extends OrderChange {
  id: string;
}

/** Endpoint 41: every change, oldest first, keyset on the row's sequence number. */
export async function listHistory(em: EntityManager, orderId: string, viewer: Viewer, page: { limit: number; cursor?: string }): Promise<Page<HistoryEntry>> {
  await readOrder(em, orderId, viewer);
  const params: unknown[] = [orderId];
  let after = '';
  if (page.cursor) {
    const [ofOrder, seq] = decodeCursor(page.cursor, 2);
    if (ofOrder !== orderId || typeof seq !== 'number' || !Number.isInteger(seq)) throw invalidCursor();
    after = 'and seq > ?';
    params.push(seq);
  }
  params.push(page.limit + 1);
  const rows = await em.execute<{ seq: string; id: string; kind: OrderChange['kind']; from_value: string | null; to_value: string; at: Date; actor: Actor; reason: string | null }[]>(
    `select seq, id, kind, from_value, to_value, at, actor, reason from order_history where order_id = ? ${after} order by seq limit ?`,
    params,
  );
  return toPage(
    rows,
    page.limit,
    (r): HistoryEntry => ({ id: r.id, kind: r.kind, from: r.from_value as OrderChange['from'], to: r.to_value as OrderChange['to'], at: new Date(r.at), actor: r.actor, reason: r.reason }),
    (r) => [orderId, Number(r.seq)],
  );
}
