import { createLogger, runMigrationCli } from '@commerce/shared';
import { loadCartConfig } from '../config.js';
import { openDatabase } from '../database.js';

/** `migrate.js up` applies pending migrations; `migrate.js down` reverts the last one. */
const config = loadCartConfig();
await runMigrationCli('cart', process.argv.slice(2), () => openDatabase(config.DATABASE_URL, createLogger('cart-migrate', config.LOG_LEVEL)));
