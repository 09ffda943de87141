import { decodeCursor, toPage, type EntityManager, type Page } from '@commerce/shared';
import type { FilterQuery } from '@mikro-orm/postgresql';
import { Customer, normalizeEmail, type CustomerStatus, type Role } from '../domain/customer.js';
import { findLiveCustomer } from './find-customer.js';
import { revokeAllSessions } from './sessions.js';

export interface CustomerSearch {
  email?: string;
  q?: string;
  status?: CustomerStatus;
  limit: number;
  cursor?: string;
}

/** LIKE treats % and _ as wildcards; a search for "a_b" means those characters literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Newest first, keyset-paginated on (createdAt, id). */
export async function searchCustomers(em: EntityManager, search: CustomerSearch): Promise<Page<Customer>> {
  const filters: FilterQuery<Customer>[] = [{ deletedAt: null }];
  if (search.email) filters.push({ emailNormalized: normalizeEmail(search.email) });
  if (search.status) filters.push({ status: search.status });
  if (search.q) {
    const pattern = `%${escapeLike(search.q.trim())}%`;
    filters.push({ $or: [{ name: { $ilike: pattern } }, { emailNormalized: { $ilike: pattern } }] });
  }
  if (search.cursor) {
    const [createdAt, id] = decodeCursor(search.cursor, 2);
    const at = new Date(createdAt!);
    filters.push({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: String(id) } }] });
  }
  const rows = await em.find(Customer, { $and: filters }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: search.limit + 1 });
  return toPage(rows, search.limit, (c) => c, (c) => [c.createdAt.toISOString(), c.id]);
}

/**
 * Status and role changes by an admin, under a row lock; `precondition` (the If-Match check) runs
 * against the locked row, so a concurrent change can't slip between check and write. Suspension
 * ends the customer's sessions at once.
 */
export async function changeCustomerStatusOrRole(
  em: EntityManager,
  actorId: string,
  customerId: string,
  changes: { status?: CustomerStatus; role?: Role },
  precondition: (current: Customer) => void,
): Promise<Customer> {
  return em.transactional(async (tx) => {
    const customer = await findLiveCustomer(tx, customerId, { lock: true });
    precondition(customer);
    customer.applyAdminChange(actorId, changes);
    if (customer.status === 'suspended') await revokeAllSessions(tx, customerId);
    return customer;
  });
}
