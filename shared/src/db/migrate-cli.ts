import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * The body of every service's `migrate.js up|down`: `up` applies what is pending, `down` reverts the
 * last one. Exits 2 on a wrong argument.
 */
export async function runMigrationCli(service: string, argv: string[], openOrm: () => Promise<MikroORM>): Promise<void> {
  const direction = argv[0] ?? 'up';
  if (direction !== 'up' && direction !== 'down') {
    process.stderr.write('usage: migrate.js up|down\n');
    process.exit(2);
  }
  const orm = await openOrm();
  try {
    const migrator = orm.getMigrator();
    const done = direction === 'up' ? await migrator.up() : await migrator.down();
    const names = done.map((m) => `\n  ${m.name}`).join('');
    process.stdout.write(`${service}: ${direction === 'up' ? 'applied' : 'reverted'} ${done.length} migration(s)${names}\n`);
  } finally {
    await orm.close();
  }
}
