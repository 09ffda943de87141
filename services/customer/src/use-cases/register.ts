import { ConflictError, isUniqueViolation, type EntityManager } from '@commerce/shared';
import { Customer, type Role } from '../domain/customer.js';
import { hashPassword } from '../auth/passwords.js';
import { customerRegistered } from '../messaging/events.js';

export interface Registration {
  email: string;
  password: string;
  name: string;
  role?: Role;
}

/**
 * Creates an account and announces it, in one transaction. The unique index on the normalised
 * email is the real guard: of two concurrent registrations one commits, the other gets EMAIL_TAKEN.
 */
export async function registerCustomer(em: EntityManager, registration: Registration): Promise<Customer> {
  const customer = new Customer({ ...registration, passwordHash: await hashPassword(registration.password) });
  try {
    await em.transactional(async (tx) => {
      tx.persist(customer);
      customerRegistered(tx, customer);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'customers_email_unique')) throw emailTaken();
    throw error;
  }
  return customer;
}

export function emailTaken() {
  return new ConflictError('EMAIL_TAKEN', 'An account with this email already exists.');
}
