import type { Payment, PaymentChange } from '../domain/payment.js';

/** The public Payment (contracts/openapi/payment.yaml): never the token (it is not stored), nor internal flags. */
export function presentPayment(payment: Payment) {
  return {
    id: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    amountCents: payment.amountCents,
    currency: payment.currency,
    status: payment.status,
    providerReference: payment.providerReference,
    failureReason: payment.failureReason,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

export function presentChange(change: PaymentChange) {
  return { from: change.from, to: change.to, at: change.at.toISOString(), reason: change.reason };
}
