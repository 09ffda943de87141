import type { Bus, Consumer } from '@commerce/shared';
import { authorizePayment, type AuthorizeCommand } from '../use-cases/authorize.js';
import type { PaymentContext } from '../use-cases/context.js';
import { refundCancelledOrder, refundPaymentOfOrder } from '../use-cases/refund.js';

/** The payment's one queue: the commands addressed to it, and the order event it reacts to. */
export const PAYMENT_COMMANDS_QUEUE = 'payment.commands';

export const PAYMENT_COMMAND_TYPES = ['payment.authorize-payment', 'payment.refund-payment', 'order.order.cancelled'] as const;

/**
 * Not through the inbox: the inbox runs the effect inside one transaction, and the provider call
 * must stay outside any. Idempotency comes from the payment instead (one row per order, the order
 * id as the charge's key and `refund:<paymentId>` as the refund's, a final outcome only
 * re-announced, row locks around every change), which also covers a repeated message with a new
 * message id. A message is acked after its effect commits; a crash before that redelivers it, and
 * the provider answers the same charge or refund again.
 */
export function consumePaymentCommands(ctx: PaymentContext & { bus: Bus }): Promise<Consumer> {
  return ctx.bus.consume({
    queue: PAYMENT_COMMANDS_QUEUE,
    bindings: [...PAYMENT_COMMAND_TYPES],
    handle: async (envelope) => {
      switch (envelope.type) {
        case 'payment.authorize-payment':
          await authorizePayment(ctx, envelope.data as unknown as AuthorizeCommand);
          return;
        case 'payment.refund-payment':
          await refundPaymentOfOrder(ctx, envelope.data as unknown as { orderId: string; reason: string });
          return;
        case 'order.order.cancelled':
          await refundCancelledOrder(ctx, envelope.data as unknown as { orderId: string; reason: string });
          return;
        default:
          throw new Error(`No handler for ${envelope.type}`);
      }
    },
  });
}
