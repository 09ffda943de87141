import { LockMode } from '@mikro-orm/postgresql';
import type { EntityManager } from '@commerce/shared';
import { Payment, paymentNotFound } from '../domain/payment.js';

/** The payment with this id, row-locked for the transaction; 404 PAYMENT_NOT_FOUND when there is none. */
export async function lockPayment(tx: EntityManager, paymentId: string): Promise<Payment> {
  const payment = await tx.findOne(Payment, { id: paymentId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!payment) throw paymentNotFound();
  return payment;
}

/** The payment of an order, row-locked for the transaction, or null when the order has none. */
export function lockPaymentOfOrder(tx: EntityManager, orderId: string): Promise<Payment | null> {
  return tx.findOne(Payment, { orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/**
 * Serializes, per order, the payment's creation and the recording of the order's cancellation
 * (transaction-scoped advisory lock): otherwise each could miss the other's uncommitted row, and
 * a cancellation that arrived first would be lost.
 */
export async function lockOrder(tx: EntityManager, orderId: string): Promise<void> {
  await tx.execute(`select pg_advisory_xact_lock(hashtext('payment-order:' || ?))`, [orderId]);
}

/** The payment the reader may see: the owner's, or any for an admin. Another customer's answers 404, never 403. */
export async function visiblePayment(em: EntityManager, paymentId: string, reader: { customerId: string; admin: boolean }): Promise<Payment> {
  const payment = await em.findOne(Payment, { id: paymentId });
  if (!payment || (!reader.admin && !payment.isOwnedBy(reader.customerId))) throw paymentNotFound();
  return payment;
}
