import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
import type { Payment } from '../domain/payment.js';

/** The schemas are static files: loaded once, on first use. */
let outbox: Outbox | undefined;
const theOutbox = () => (outbox ??= new Outbox(MessageSchemas.load()));

/**
 * The outcome of a payment, written in the transaction of its status change (the relay publishes
 * after commit), correlated with the order id (the saga's conversation). Also used to re-announce
 * an outcome to a redelivered command. A pending payment has no outcome: returns null.
 */
export function announceOutcome(em: EntityManager, payment: Payment) {
  const base = { orderId: payment.orderId, paymentId: payment.id, customerId: payment.customerId };
  if (payment.status === 'completed') {
    return theOutbox().add(em, {
      type: 'payment.payment.completed',
      correlationId: payment.orderId,
      data: { ...base, amountCents: payment.amountCents, currency: payment.currency, providerReference: payment.providerReference! },
    });
  }
  if (payment.status === 'failed') {
    return theOutbox().add(em, { type: 'payment.payment.failed', correlationId: payment.orderId, data: { ...base, reason: payment.failureReason! } });
  }
  if (payment.status === 'refunded') {
    return theOutbox().add(em, {
      type: 'payment.payment.refunded',
      correlationId: payment.orderId,
      data: { ...base, amountCents: payment.amountCents, currency: payment.currency, reason: payment.refundReason! },
    });
  }
  return null;
}
