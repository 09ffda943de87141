import { ValidationError, decodeCursor, toPage, type EntityManager, type Page } from '@commerce/shared';
import type { FilterQuery } from '@mikro-orm/postgresql';
import { Payment, type PaymentChange } from '../domain/payment.js';
import { changesOf } from './history.js';
import { visiblePayment } from './payment-store.js';

export interface Reader {
  customerId: string;
  admin: boolean;
}

export interface PaymentQuery {
  orderId?: string;
  limit: number;
  cursor?: string;
}

/**
 * Endpoint 42: newest first, keyset-paginated on (createdAt, id) descending, so a payment created
 * while a client pages never shifts a page. A customer sees their own only (the filter is part
 * of the query, not a check afterwards); an admin sees all.
 */
export async function listPayments(em: EntityManager, reader: Reader, query: PaymentQuery): Promise<Page<Payment>> {
  const filters: FilterQuery<Payment>[] = [];
  if (!reader.admin) filters.push({ customerId: reader.customerId });
  if (query.orderId) filters.push({ orderId: query.orderId });
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    const at = new Date(String(createdAt));
    if (Number.isNaN(at.getTime()) || !isUuid(String(id))) throw invalidCursor();
    filters.push({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: String(id) } }] });
  }
  const rows = await em.find(Payment, filters.length ? { $and: filters } : {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 });
  return toPage(rows, query.limit, (p) => p, (p) => [p.createdAt.toISOString(), p.id]);
}

/** Endpoint 43. */
export function readPayment(em: EntityManager, paymentId: string, reader: Reader): Promise<Payment> {
  return visiblePayment(em, paymentId, reader);
}

/** Endpoint 45: the reader must be allowed to see the payment (404 otherwise), then its changes. */
export async function readHistory(em: EntityManager, paymentId: string, reader: Reader): Promise<PaymentChange[]> {
  await visiblePayment(em, paymentId, reader);
  return changesOf(em, paymentId);
}

const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

/** A cursor that decodes but holds no position (tampered): the same 400 the kit gives one that does not decode. */
const invalidCursor = () => new ValidationError('The cursor is not valid.', [{ path: '/query/cursor', message: 'unknown cursor' }], 'INVALID_CURSOR');
