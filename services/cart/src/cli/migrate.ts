import { createLogger, declareConsumerQueuesOnce, runMigrationCli } from '@commerce/shared';
import { loadCartConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { CART_EVENTS_QUEUE, CART_EVENT_TYPES } from '../messaging/cart-events-consumer.js';

/**
 * `migrate.js up` applies pending migrations and declares the cart's queue `cart.events` with its
 * bindings, so events published before the service first starts (the demo catalog that `make up`
 * seeds, published as soon as the catalog starts) wait for it instead of being dropped.
 * `migrate.js down` reverts the last migration.
 */
const config = loadCartConfig();
const argv = process.argv.slice(2);
await runMigrationCli('cart', argv, () => openDatabase(config.DATABASE_URL, createLogger('cart-migrate', config.LOG_LEVEL)));
if ((argv[0] ?? 'up') === 'up') {
  try {
    await declareConsumerQueuesOnce(config.AMQP_URL, { queue: CART_EVENTS_QUEUE, bindings: [...CART_EVENT_TYPES] });
    process.stdout.write(`cart: queue ${CART_EVENTS_QUEUE} declared\n`);
  } catch (error) {
    // Not fatal: the service declares it on start too; only events published before that are at risk.
    process.stderr.write(`cart: could not declare queue ${CART_EVENTS_QUEUE} (the service will on start): ${(error as Error).message}\n`);
  }
}
