import { createLogger } from '@commerce/shared';
import { loadCustomerConfig } from '../config.js';
import { openDatabase } from '../database.js';

/** `migrate.js up` applies pending migrations; `migrate.js down` reverts the last one. */
const direction = process.argv[2] ?? 'up';
if (direction !== 'up' && direction !== 'down') {
  process.stderr.write('usage: migrate.js up|down\n');
  process.exit(2);
}
const config = loadCustomerConfig();
const orm = await openDatabase(config.DATABASE_URL, createLogger('customer-migrate', config.LOG_LEVEL));
try {
  const migrator = orm.getMigrator();
  const done = direction === 'up' ? await migrator.up() : await migrator.down();
  process.stdout.write(`customer: ${direction === 'up' ? 'applied' : 'reverted'} ${done.length} migration(s)${done.map((m) => `\n  ${m.name}`).join('')}\n`);
} finally {
  await orm.close();
}
