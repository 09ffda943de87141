import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
import type { Address } from '../domain/address.js';
import type { Customer } from '../domain/customer.js';

/** The schemas are static files: loaded once, on first use. */
let outbox: Outbox | undefined;
const theOutbox = () => (outbox ??= new Outbox(MessageSchemas.load()));

/** Written in the caller's transaction; the relay publishes after commit. No personal data leaves. */
export function customerRegistered(em: EntityManager, customer: Customer) {
  theOutbox().add(em, {
    type: 'customer.customer.registered',
    data: { customerId: customer.id, role: customer.role, registeredAt: customer.createdAt.toISOString() },
  });
}

export function customerDeleted(em: EntityManager, customer: Customer) {
  theOutbox().add(em, {
    type: 'customer.customer.deleted',
    data: { customerId: customer.id, deletedAt: (customer.deletedAt ?? new Date()).toISOString() },
  });
}

/**
 * Address events carry the address itself: the cart keeps a copy to ship checkouts to (the one
 * personal data it needs). customerId lets it drop a customer's copies; nothing else is sent.
 */
function addressData(address: Address) {
  return {
    customerId: address.customerId,
    addressId: address.id,
    line1: address.line1,
    line2: address.line2,
    city: address.city,
    postalCode: address.postalCode,
    country: address.country,
  };
}

export function addressAdded(em: EntityManager, address: Address) {
  theOutbox().add(em, { type: 'customer.address.added', data: addressData(address) });
}

export function addressUpdated(em: EntityManager, address: Address) {
  theOutbox().add(em, { type: 'customer.address.updated', data: addressData(address) });
}

export function addressRemoved(em: EntityManager, address: Address) {
  theOutbox().add(em, { type: 'customer.address.removed', data: { customerId: address.customerId, addressId: address.id } });
}
