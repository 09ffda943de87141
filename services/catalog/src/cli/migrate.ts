import { createLogger } from '@commerce/shared';
import { loadCatalogConfig } from '../config.js';
import { openDatabase } from '../database.js';

/** `migrate.js up` applies pending migrations; `migrate.js down` reverts the last one. */
const direction = process.argv[2] ?? 'up';
if (direction !== 'up' && direction !== 'down') {
  process.stderr.write('usage: migrate.js up|down\n');
  process.exit(2);
}
const config = loadCatalogConfig();
const orm = await openDatabase(config.DATABASE_URL, createLogger('catalog-migrate', config.LOG_LEVEL));
try {
  const migrator = orm.getMigrator();
  const done = direction === 'up' ? await migrator.up() : await migrator.down();
  process.stdout.write(`catalog: ${direction === 'up' ? 'applied' : 'reverted'} ${done.length} migration(s)${done.map((m) => `\n  ${m.name}`).join('')}\n`);
} finally {
  await orm.close();
}
