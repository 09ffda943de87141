import { createLogger, declareConsumerQueuesOnce, runMigrationCli } from '@commerce/shared';
import { loadOrderConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { ORDER_SAGA_QUEUE, ORDER_SAGA_TYPES } from '../messaging/saga-consumer.js';

/**
 * `migrate.js up` applies pending migrations and declares the order's queue `order.saga` with its
 * bindings, so a checkout (or an answer) published before the service first starts waits for it
 * instead of being dropped. `migrate.js down` reverts the last migration.
 */
const config = loadOrderConfig();
const argv = process.argv.slice(2);
await runMigrationCli('order', argv, () => openDatabase(config.DATABASE_URL, createLogger('order-migrate', config.LOG_LEVEL)));
if ((argv[0] ?? 'up') === 'up') {
  try {
    await declareConsumerQueuesOnce(config.AMQP_URL, { queue: ORDER_SAGA_QUEUE, bindings: [...ORDER_SAGA_TYPES] });
    process.stdout.write(`order: queue ${ORDER_SAGA_QUEUE} declared\n`);
  } catch (error) {
    // Not fatal: the service declares it on start too; only messages sent before that are at risk.
    process.stderr.write(`order: could not declare queue ${ORDER_SAGA_QUEUE} (the service will on start): ${(error as Error).message}\n`);
  }
}
