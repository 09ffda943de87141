import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
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
