import { Inbox, type Bus, type Consumer, type EntityManager, type Envelope, type Logger } from '@commerce/shared';
import type { CartMetrics } from '../metrics.js';
import { applyAddress, applyAvailability, applyProductFacts, removeAddress, type AddressFacts, type ProductFacts } from '../use-cases/read-models.js';
import { abandonCartOfDeletedCustomer, convertCartOfOrder, reopenCartOfOrder } from '../use-cases/reactions.js';

/** The cart's one queue: everything it learns from other services. */
export const CART_EVENTS_QUEUE = 'cart.events';

export const CART_EVENT_TYPES = [
  'catalog.product.created',
  'catalog.product.updated',
  'catalog.product.archived',
  'catalog.stock.changed',
  'customer.address.added',
  'customer.address.updated',
  'customer.address.removed',
  'customer.customer.deleted',
  'order.order.confirmed',
  'order.order.cancelled',
] as const;

export interface CartEventDeps {
  /** The root entity manager: each message gets a fork of its own. */
  em: EntityManager;
  logger: Logger;
  metrics: CartMetrics;
}

type Data = Record<string, unknown>;

/**
 * Handles one event through the inbox: the effect and the inbox row commit together, and a
 * redelivery (same messageId) is acknowledged without running again. Read-model updates are
 * ordered by the event's occurredAt, so a duplicate with a new id or a late older event changes
 * nothing either. Returns whether the effect ran.
 */
export async function handleCartEvent(deps: CartEventDeps, envelope: Envelope): Promise<boolean> {
  const data = envelope.data as Data; // validated against its schema by the bus
  const at = new Date(envelope.occurredAt);
  let abandoned = false;
  let converted = false;
  const ran = await Inbox.handle(deps.em.fork(), envelope, async (tx) => {
    switch (envelope.type) {
      case 'catalog.product.created':
      case 'catalog.product.updated':
      case 'catalog.product.archived':
        return applyProductFacts(tx, data as unknown as ProductFacts, at);
      case 'catalog.stock.changed':
        return applyAvailability(tx, String(data.productId), Number(data.available), at);
      case 'customer.address.added':
      case 'customer.address.updated':
        return applyAddress(tx, data as unknown as AddressFacts, at);
      case 'customer.address.removed':
        return removeAddress(tx, data as unknown as { customerId: string; addressId: string }, at);
      case 'customer.customer.deleted':
        abandoned = await abandonCartOfDeletedCustomer(tx, String(data.customerId));
        return;
      case 'order.order.confirmed':
        converted = await convertCartOfOrder(tx, String(data.orderId), deps.logger);
        return;
      case 'order.order.cancelled':
        await reopenCartOfOrder(tx, String(data.orderId), deps.logger);
        return;
      default:
        throw new Error(`No handler for ${envelope.type}`);
    }
  });
  // Counted after the commit: a rolled-back or skipped message counts nothing.
  if (ran && abandoned) deps.metrics.abandoned.inc({ reason: 'customer_deleted' });
  if (ran && converted) deps.metrics.converted.inc();
  return ran;
}

export function consumeCartEvents(deps: CartEventDeps & { bus: Bus }): Promise<Consumer> {
  return deps.bus.consume({
    queue: CART_EVENTS_QUEUE,
    bindings: [...CART_EVENT_TYPES],
    handle: async (envelope) => {
      await handleCartEvent(deps, envelope);
    },
  });
}
