import { createLogger, runMigrationCli } from '@commerce/shared';
import { loadCustomerConfig } from '../config.js';
import { openDatabase } from '../database.js';

/** `migrate.js up` applies pending migrations; `migrate.js down` reverts the last one. */
const config = loadCustomerConfig();
await runMigrationCli('customer', process.argv.slice(2), () => openDatabase(config.DATABASE_URL, createLogger('customer-migrate', config.LOG_LEVEL)));
