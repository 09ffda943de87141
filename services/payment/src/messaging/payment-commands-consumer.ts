import type { Bus, Consumer, EntityManager, Logger } from '@commerce/shared';
import type { PaymentMetrics } from '../metrics.js';
import type { PaymentProvider } from '../provider/provider.js';
import { authorizePayment, type AuthorizeCommand } from '../use-cases/authorize.js';

/** The payment's one queue: the commands addressed to it. */
export const PAYMENT_COMMANDS_QUEUE = 'payment.commands';

export const PAYMENT_COMMAND_TYPES = ['payment.authorize-payment'] as const;

export interface PaymentCommandDeps {
  em: EntityManager;
  provider: PaymentProvider;
  logger: Logger;
  metrics: PaymentMetrics;
  retryDelaysMs?: readonly number[];
}

/**
 * Not through the inbox: the inbox runs the effect inside one transaction, and the provider call
 * must stay outside any. Idempotency comes from the order id instead (one row per order, the
 * order id as the provider's idempotency key, a final payment only re-announced), which also
 * covers a repeated command with a new message id. The message is acked after the outcome commits;
 * a crash before that redelivers it, and the provider answers the same charge again.
 */
export function consumePaymentCommands(deps: PaymentCommandDeps & { bus: Bus }): Promise<Consumer> {
  return deps.bus.consume({
    queue: PAYMENT_COMMANDS_QUEUE,
    bindings: [...PAYMENT_COMMAND_TYPES],
    handle: async (envelope) => {
      if (envelope.type === 'payment.authorize-payment') {
        await authorizePayment(deps, envelope.data as unknown as AuthorizeCommand);
        return;
      }
      throw new Error(`No handler for ${envelope.type}`);
    },
  });
}
