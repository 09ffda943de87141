import { createLogger } from '@commerce/shared';
import { loadCartConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { rebuildProductSnapshots } from '../use-cases/rebuild-products.js';

/**
 * `rebuild-products.js`: rebuilds the cart's product read model from the catalog's public
 * listing (CATALOG_URL). See docs/runbooks/cart-read-model.md.
 */
const config = loadCartConfig();
const logger = createLogger('cart-rebuild', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
const orm = await openDatabase(config.DATABASE_URL, logger);
try {
  const count = await rebuildProductSnapshots(orm.em.fork(), { catalogUrl: config.CATALOG_URL, logger });
  process.stdout.write(`cart: product read model rebuilt from ${config.CATALOG_URL}: ${count} products\n`);
} catch (error) {
  process.stderr.write(`cart: rebuilding the product read model failed, nothing changed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await orm.close();
}
