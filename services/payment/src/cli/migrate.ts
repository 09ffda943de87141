import { createLogger, declareConsumerQueuesOnce, runMigrationCli } from '@commerce/shared';
import { loadPaymentConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { PAYMENT_COMMANDS_QUEUE, PAYMENT_COMMAND_TYPES } from '../messaging/payment-commands-consumer.js';

/**
 * `migrate.js up` applies pending migrations and declares the payment's queue `payment.commands`
 * with its bindings, so a command sent before the service first starts waits for it instead of
 * being dropped. `migrate.js down` reverts the last migration.
 */
const config = loadPaymentConfig();
const argv = process.argv.slice(2);
await runMigrationCli('payment', argv, () => openDatabase(config.DATABASE_URL, createLogger('payment-migrate', config.LOG_LEVEL)));
if ((argv[0] ?? 'up') === 'up') {
  try {
    await declareConsumerQueuesOnce(config.AMQP_URL, { queue: PAYMENT_COMMANDS_QUEUE, bindings: [...PAYMENT_COMMAND_TYPES] });
    process.stdout.write(`payment: queue ${PAYMENT_COMMANDS_QUEUE} declared\n`);
  } catch (error) {
    // Not fatal: the service declares it on start too; only commands sent before that are at risk.
    process.stderr.write(`payment: could not declare queue ${PAYMENT_COMMANDS_QUEUE} (the service will on start): ${(error as Error).message}\n`);
  }
}
