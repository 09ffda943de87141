import { UnprocessableError, isUniqueViolation, type EntityManager } from '@commerce/shared';
import type { Customer } from '../domain/customer.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { customerDeleted } from '../messaging/events.js';
import { emailTaken } from './register.js';
import { findLiveCustomer } from './find-customer.js';
import { revokeAllSessions } from './sessions.js';

/** The signed-in customer's own account; a suspended one is refused even with a valid token. */
export async function getOwnAccount(em: EntityManager, customerId: string): Promise<Customer> {
  const customer = await findLiveCustomer(em, customerId);
  customer.assertMaySignIn();
  return customer;
}

export async function updateProfile(
  em: EntityManager,
  customerId: string,
  changes: { name?: string; phone?: string | null; email?: string },
): Promise<Customer> {
  const customer = await getOwnAccount(em, customerId);
  customer.changeProfile(changes);
  try {
    await em.flush();
  } catch (error) {
    if (isUniqueViolation(error, 'customers_email_unique')) throw emailTaken();
    throw error;
  }
  return customer;
}

/** A new password ends every session: all refresh tokens are revoked in the same transaction. */
export async function changePassword(em: EntityManager, customerId: string, currentPassword: string, newPassword: string): Promise<void> {
  const customer = await getOwnAccount(em, customerId);
  if (!(await verifyPassword(customer.passwordHash, currentPassword))) {
    throw new UnprocessableError('CURRENT_PASSWORD_INCORRECT', 'The current password is wrong.');
  }
  const newHash = await hashPassword(newPassword);
  await em.transactional(async (tx) => {
    const locked = await findLiveCustomer(tx, customerId, { lock: true });
    locked.changePasswordHash(newHash);
    await revokeAllSessions(tx, customerId);
  });
}

/** Soft delete: sessions end and other services hear of it (the cart abandons pending carts). */
export async function deleteAccount(em: EntityManager, customerId: string): Promise<void> {
  await em.transactional(async (tx) => {
    const customer = await findLiveCustomer(tx, customerId, { lock: true });
    customer.markDeleted();
    await revokeAllSessions(tx, customerId);
    customerDeleted(tx, customer);
  });
}
