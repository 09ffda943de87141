import { createLogger, runMigrationCli } from '@commerce/shared';
import { loadPaymentConfig } from '../config.js';
import { openDatabase } from '../database.js';

/**
 * `migrate.js up` applies pending migrations; `migrate.js down` reverts the last one.
 * (When the command consumers arrive, `up` also declares their queue, as the cart's does.)
 */
const config = loadPaymentConfig();
await runMigrationCli('payment', process.argv.slice(2), () => openDatabase(config.DATABASE_URL, createLogger('payment-migrate', config.LOG_LEVEL)));
