import { createLogger, runMigrationCli } from '@commerce/shared';
import { loadCatalogConfig } from '../config.js';
import { openDatabase } from '../database.js';

/** `migrate.js up` applies pending migrations; `migrate.js down` reverts the last one. */
const config = loadCatalogConfig();
await runMigrationCli('catalog', process.argv.slice(2), () => openDatabase(config.DATABASE_URL, createLogger('catalog-migrate', config.LOG_LEVEL)));
