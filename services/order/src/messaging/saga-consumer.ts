import { Inbox, type Bus, type Consumer, type Envelope } from '@commerce/shared';
import type { PaymentFailure } from '../domain/order.js';
import type { SagaEvent } from '../domain/saga.js';
import type { OrderContext } from '../use-cases/context.js';
import { lockOrder } from '../use-cases/order-store.js';
import { placeOrder, type CheckedOut } from '../use-cases/place-order.js';
import { advanceSaga, type StepResult } from '../use-cases/saga-steps.js';

/** The order's one queue: the checkouts that start sagas and every answer the sagas wait for. */
export const ORDER_SAGA_QUEUE = 'order.saga';

export const ORDER_SAGA_TYPES = [
  'cart.cart.checked-out',
  'catalog.stock.reserved',
  'catalog.stock.reservation-rejected',
  'catalog.stock.committed',
  'catalog.stock.released',
  'catalog.stock.restocked',
  'payment.payment.completed',
  'payment.payment.failed',
  'payment.payment.refunded',
] as const;

type Data = Record<string, unknown>;

/** The saga event an answer stands for. */
export function sagaEventOf(envelope: Envelope): SagaEvent {
  const data = envelope.data as Data;
  switch (envelope.type) {
    case 'catalog.stock.reserved':
      return { type: 'stock.reserved' };
    case 'catalog.stock.reservation-rejected':
      return { type: 'stock.rejected' };
    case 'catalog.stock.committed':
      return { type: 'stock.committed' };
    case 'catalog.stock.released':
      return { type: 'stock.released', reason: typeof data.reason === 'string' ? data.reason : null };
    case 'catalog.stock.restocked':
      return { type: 'stock.restocked' };
    case 'payment.payment.completed':
      return { type: 'payment.completed' };
    case 'payment.payment.failed':
      return { type: 'payment.failed', reason: data.reason as PaymentFailure };
    case 'payment.payment.refunded':
      return { type: 'payment.refunded', reason: String(data.reason) };
    default:
      throw new Error(`No handler for ${envelope.type}`);
  }
}

/**
 * Handles one message through the inbox: the saga step and the inbox row commit together, so a
 * redelivery (same messageId) is acknowledged without running again; a duplicate with a new id
 * meets the saga already moved on and `decide` makes it a no-op (or, for a finished saga, a
 * compensation). Every step locks the order row first. Returns whether the effect ran.
 */
export async function handleSagaMessage(ctx: OrderContext, envelope: Envelope): Promise<boolean> {
  let placed = false;
  let step: StepResult | undefined;
  const ran = await Inbox.handle(ctx.em.fork(), envelope, async (tx) => {
    if (envelope.type === 'cart.cart.checked-out') {
      placed = await placeOrder(tx, ctx, envelope.data as unknown as CheckedOut);
      return;
    }
    const event = sagaEventOf(envelope);
    const orderId = String((envelope.data as Data).orderId);
    const order = await lockOrder(tx, orderId);
    if (!order) {
      // Every command of ours is written with its order, so an answer for an unknown order is not ours.
      ctx.logger.warn('answer for an unknown order: ignored', { orderId, type: envelope.type });
      return;
    }
    step = await advanceSaga(tx, ctx, order, event);
  });
  // Counted after the commit: a rolled-back or skipped message counts nothing.
  if (ran && placed) ctx.metrics.created.inc();
  if (ran) step?.count();
  return ran;
}

export function consumeSagaMessages(ctx: OrderContext & { bus: Bus }): Promise<Consumer> {
  return ctx.bus.consume({
    queue: ORDER_SAGA_QUEUE,
    bindings: [...ORDER_SAGA_TYPES],
    handle: async (envelope) => {
      await handleSagaMessage(ctx, envelope);
    },
  });
}
