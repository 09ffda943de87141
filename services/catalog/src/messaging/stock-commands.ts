import { Inbox, type Bus, type Consumer, type EntityManager, type Envelope, type Logger } from '@commerce/shared';
import type { CacheInvalidation } from '../cache/catalog-cache.js';
import type { CatalogMetrics } from '../metrics.js';
import { commitStock, releaseStock, reserveStock, restockOrder, type StockOutcome } from '../use-cases/stock-reservations.js';

/** The one queue of the commands the checkout saga sends the catalog. */
export const STOCK_COMMANDS_QUEUE = 'catalog.stock-commands';

export const STOCK_COMMAND_TYPES = ['catalog.reserve-stock', 'catalog.commit-stock', 'catalog.release-stock', 'catalog.restock'] as const;

// A type, not an interface: envelopes carry Record<string, unknown> data.
type CommandData = {
  orderId: string;
  items?: { productId: string; quantity: number }[];
  expiresAt?: string;
  reason?: string;
};

export interface StockCommandDeps {
  /** The root entity manager: each message gets a fork of its own. */
  em: EntityManager;
  bus: Bus;
  logger: Logger;
  cache: CacheInvalidation;
  /** Counts the rejected reservations; tests of the use cases alone leave it out. */
  metrics?: CatalogMetrics;
}

/**
 * Each command is handled through the inbox: the stock change, its movements, the answer in the
 * outbox and the inbox row commit together, and a redelivered message (same messageId) is
 * acknowledged without running again. Idempotency per order id sits on top, in the use cases.
 * The product cache is invalidated only after the commit, so no reader caches the old figures
 * again in between.
 */
export async function handleStockCommand(deps: Omit<StockCommandDeps, 'bus'>, envelope: Envelope): Promise<StockOutcome | undefined> {
  // The bus validated the data against the command's schema before this runs.
  const data = envelope.data as CommandData;
  let outcome: StockOutcome | undefined;
  const ran = await Inbox.handle(deps.em.fork(), envelope, async (tx) => {
    switch (envelope.type) {
      case 'catalog.reserve-stock':
        outcome = await reserveStock(tx, { orderId: data.orderId, items: data.items ?? [], expiresAt: new Date(data.expiresAt!) });
        break;
      case 'catalog.commit-stock':
        outcome = await commitStock(tx, data.orderId, deps.logger);
        break;
      case 'catalog.release-stock':
        outcome = await releaseStock(tx, data.orderId, data.reason!);
        break;
      case 'catalog.restock':
        outcome = await restockOrder(tx, data.orderId, data.reason!);
        break;
      default:
        throw new Error(`No handler for ${envelope.type}`);
    }
  });
  if (!ran) {
    deps.logger.info('stock command already handled; skipped', { type: envelope.type, messageId: envelope.messageId });
    return undefined;
  }
  // After the commit, and only for a new rejection: the same order asking again ('already-rejected') is not another one.
  if (outcome?.answer === 'rejected') deps.metrics?.reservationsRejected.inc();
  if (outcome?.changedProductIds.length) await deps.cache.productsChanged(outcome.changedProductIds);
  deps.logger.info('stock command handled', { type: envelope.type, orderId: data.orderId, answer: outcome?.answer });
  return outcome;
}

export function consumeStockCommands(deps: StockCommandDeps): Promise<Consumer> {
  return deps.bus.consume({
    queue: STOCK_COMMANDS_QUEUE,
    bindings: [...STOCK_COMMAND_TYPES],
    handle: async (envelope) => {
      await handleStockCommand(deps, envelope);
    },
  });
}
