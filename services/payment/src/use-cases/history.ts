import type { EntityManager } from '@commerce/shared';
import type { PaymentStatus } from '../domain/payment-status.js';
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

/** Every change of a payment, oldest first (the bigserial id is the order they were written in). */
export async function changesOf(em: EntityManager, paymentId: string): Promise<PaymentChange[]> {
  const rows = await em.execute<{ from_status: PaymentStatus | null; to_status: PaymentStatus; at: Date | string; reason: string | null }[]>(
    'select from_status, to_status, at, reason from payment_history where payment_id = ? order by id',
    [paymentId],
  );
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, at: new Date(r.at), reason: r.reason }));
}
