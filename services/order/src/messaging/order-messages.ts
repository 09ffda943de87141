import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
import type { Order } from '../domain/order.js';
import type { SagaCommand } from '../domain/saga.js';

/** The schemas are static files: loaded once, on first use. */
let outbox: Outbox | undefined;
const theOutbox = () => (outbox ??= new Outbox(MessageSchemas.load()));

/** What a command needs beyond the order: the token and deadline of an authorize, the reservation's expiry. */
export interface CommandContext {
  paymentToken: string | null;
  stepDeadline: Date | null;
  reservationExpiresAt: Date;
}

/**
 * Writes one saga command or event to the outbox, in the caller's transaction (the relay
 * publishes after commit). Every message of an order is correlated with the order id, the saga's
 * conversation, also when it comes from the sweeper or an HTTP request.
 */
export function sendCommand(em: EntityManager, order: Order, command: SagaCommand, context: CommandContext) {
  const orderId = order.id;
  const add = (type: string, data: Record<string, unknown>) => theOutbox().add(em, { type, correlationId: orderId, data });
  switch (command.type) {
    case 'catalog.reserve-stock':
      return add(command.type, {
        orderId,
        items: order.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
        expiresAt: context.reservationExpiresAt.toISOString(),
      });
    case 'payment.authorize-payment':
      if (!context.paymentToken || !context.stepDeadline) throw new Error(`authorize-payment for order ${orderId} without a token or deadline`);
      return add(command.type, {
        orderId,
        customerId: order.customerId,
        amountCents: order.totalCents,
        currency: order.currency,
        paymentToken: context.paymentToken,
        deadline: context.stepDeadline.toISOString(),
      });
    case 'catalog.commit-stock':
      return add(command.type, { orderId });
    case 'catalog.release-stock':
    case 'catalog.restock':
    case 'payment.refund-payment':
      return add(command.type, { orderId, reason: command.reason });
    case 'order.order.confirmed':
      return add(command.type, { orderId, customerId: order.customerId });
    case 'order.order.cancelled':
      return add(command.type, { orderId, customerId: order.customerId, reason: command.reason });
  }
}

/** order.order.shipped / delivered: announced with the admin's change, in its transaction. */
export function announceShipped(em: EntityManager, order: Order) {
  return theOutbox().add(em, {
    type: 'order.order.shipped',
    correlationId: order.id,
    data: { orderId: order.id, customerId: order.customerId, trackingNumber: order.trackingNumber! },
  });
}

export function announceDelivered(em: EntityManager, order: Order) {
  return theOutbox().add(em, { type: 'order.order.delivered', correlationId: order.id, data: { orderId: order.id, customerId: order.customerId } });
}
