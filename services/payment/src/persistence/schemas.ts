import { EntitySchema } from '@mikro-orm/postgresql';
import { Payment } from '../domain/payment.js';

/**
 * Mapping of the domain class to its table; the tables themselves are defined by migrations.
 * The history rows (payment_history) are written with the status change by the use cases, not
 * mapped here. `isFinal`, `refundKey` and `owesRefund` are computed, not columns.
 */
export const PaymentSchema = new EntitySchema<Payment>({
  class: Payment,
  tableName: 'payments',
  properties: {
    id: { type: 'uuid', primary: true },
    orderId: { type: 'uuid' },
    customerId: { type: 'uuid' },
    amountCents: { type: 'integer' },
    currency: { type: 'string' },
    status: { type: 'string' },
    providerReference: { type: 'string', nullable: true },
    failureReason: { type: 'string', nullable: true },
    deadline: { type: 'Date', length: 3, nullable: true },
    orderCancelledAt: { type: 'Date', length: 3, nullable: true },
    orderCancelReason: { type: 'string', nullable: true },
    refundReason: { type: 'string', nullable: true },
    refundReference: { type: 'string', nullable: true },
    chargeInDoubt: { type: 'boolean' },
    createdAt: { type: 'Date', length: 3 },
    updatedAt: { type: 'Date', length: 3 },
    isFinal: { type: 'boolean', persist: false, getter: true },
    refundKey: { type: 'string', persist: false, getter: true },
    owesRefund: { type: 'boolean', persist: false, getter: true },
  },
});

export const entities = [PaymentSchema];
