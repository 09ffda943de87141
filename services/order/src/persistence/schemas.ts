import { EntitySchema } from '@mikro-orm/postgresql';
import { Order } from '../domain/order.js';
import { Saga } from '../domain/saga-instance.js';

/**
 * Mapping of the domain classes to their tables; the tables themselves are defined by migrations.
 * An order's lines and address are its checkout snapshot, never changed afterwards, so they are
 * jsonb columns of the order row. History rows (order_history) are written with each change by
 * the use cases, not mapped here.
 */
export const OrderSchema = new EntitySchema<Order>({
  class: Order,
  tableName: 'orders',
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid' },
    cartId: { type: 'uuid' },
    status: { type: 'string' },
    paymentStatus: { type: 'string' },
    items: { type: 'json' },
    totalCents: { type: 'integer' },
    currency: { type: 'string' },
    shippingAddress: { type: 'json' },
    failureReason: { type: 'string', nullable: true },
    trackingNumber: { type: 'string', nullable: true },
    createdAt: { type: 'Date', length: 3 },
    updatedAt: { type: 'Date', length: 3 },
  },
});

export const SagaSchema = new EntitySchema<Saga>({
  class: Saga,
  tableName: 'sagas',
  properties: {
    orderId: { type: 'uuid', primary: true },
    state: { type: 'string' },
    stepStartedAt: { type: 'Date', length: 3 },
    stepDeadline: { type: 'Date', length: 3, nullable: true },
    attempts: { type: 'integer' },
    paymentToken: { type: 'string', nullable: true },
    updatedAt: { type: 'Date', length: 3 },
    isFinal: { type: 'boolean', persist: false, getter: true },
  },
});

export const entities = [OrderSchema, SagaSchema];
