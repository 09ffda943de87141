import { LockMode } from '@mikro-orm/postgresql';
import { NotFoundError, type EntityManager } from '@commerce/shared';
import { Customer } from '../domain/customer.js';

export function customerNotFound() {
  return new NotFoundError('CUSTOMER_NOT_FOUND', 'No such customer.');
}

/** A live (not deleted) customer, or CUSTOMER_NOT_FOUND; `lock` holds its row until the transaction ends. */
export async function findLiveCustomer(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<Customer> {
  const customer = await em.findOne(Customer, { id, deletedAt: null }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!customer) throw customerNotFound();
  return customer;
}
