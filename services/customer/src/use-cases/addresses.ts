import { LockMode } from '@mikro-orm/postgresql';
import { NotFoundError, decodeCursor, toPage, type EntityManager, type Page } from '@commerce/shared';
import { Address, assertMayAddAddress, type AddressFields } from '../domain/address.js';
import { addressAdded, addressRemoved, addressUpdated } from '../messaging/events.js';
import { findLiveCustomer } from './find-customer.js';

const addressNotFound = () => new NotFoundError('ADDRESS_NOT_FOUND', 'No such address.');

/** Oldest first, keyset-paginated on (createdAt, id). */
export async function listAddresses(em: EntityManager, customerId: string, limit: number, cursor?: string): Promise<Page<Address>> {
  const after = cursor ? decodeCursor(cursor, 2) : undefined;
  const rows = await em.find(
    Address,
    after
      ? { customerId, $or: [{ createdAt: { $gt: new Date(after[0]!) } }, { createdAt: new Date(after[0]!), id: { $gt: String(after[1]) } }] }
      : { customerId },
    { orderBy: { createdAt: 'asc', id: 'asc' }, limit: limit + 1 },
  );
  return toPage(rows, limit, (a) => a, (a) => [a.createdAt.toISOString(), a.id]);
}

/**
 * The customer row is locked so two concurrent adds can't both pass the limit check.
 * Every address change writes its event (customer.address.*) in the same transaction: the cart keeps
 * a copy of the addresses it ships to, so a change that commits is always announced, and one that
 * rolls back never is.
 */
export async function addAddress(em: EntityManager, customerId: string, fields: AddressFields): Promise<Address> {
  return em.transactional(async (tx) => {
    await findLiveCustomer(tx, customerId, { lock: true });
    assertMayAddAddress(await tx.count(Address, { customerId }));
    const address = new Address(customerId, fields);
    tx.persist(address);
    addressAdded(tx, address);
    return address;
  });
}

/**
 * Another customer's address is indistinguishable from a missing one (404, no enumeration). The row
 * is locked, so concurrent changes of one address apply (and are announced) one after the other.
 */
async function ownAddress(tx: EntityManager, customerId: string, addressId: string): Promise<Address> {
  const address = await tx.findOne(Address, { id: addressId, customerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!address) throw addressNotFound();
  return address;
}

export async function updateAddress(em: EntityManager, customerId: string, addressId: string, changes: Partial<AddressFields>): Promise<Address> {
  return em.transactional(async (tx) => {
    const address = await ownAddress(tx, customerId, addressId);
    address.update(changes);
    addressUpdated(tx, address);
    return address;
  });
}

export async function removeAddress(em: EntityManager, customerId: string, addressId: string): Promise<void> {
  await em.transactional(async (tx) => {
    const address = await ownAddress(tx, customerId, addressId);
    tx.remove(address);
    addressRemoved(tx, address);
  });
}
