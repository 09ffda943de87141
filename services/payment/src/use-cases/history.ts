import type { EntityManager } from '@commerce/shared';
import type { PaymentChange } from '../domain/payment.js';

/** Writes one history row in the caller's transaction (endpoint 45 reads them). */
export async function recordChange(tx: EntityManager, paymentId: string, change: PaymentChange): Promise<void> {
  await tx.execute('insert into payment_history (payment_id, from_status, to_status, at, reason) values (?, ?, ?, ?, ?)', [
    paymentId,
    change.from,
    change.to,
    change.at,
    change.reason,
  ]);
}
