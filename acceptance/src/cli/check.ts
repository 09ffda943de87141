import { parseArgs } from 'node:util';
import { type Mode, serviceEnv } from '../env.js';
import { checkInvariants, formatReport } from '../invariants.js';

/**
 * npm run -w @commerce/acceptance check -- --env dev|acceptance [--json]
 * Reads the catalog, order and payment databases of that environment (URLs from scripts/env.sh)
 * and prints every disagreement between stock, orders and payments. Exit 0: consistent; 1: at
 * least one disagreement; 2: wrong usage. docs/runbooks/checkout-saga.md says how to read it.
 */
const { values } = parseArgs({ options: { env: { type: 'string', default: 'dev' }, json: { type: 'boolean', default: false } } });
const mode = values.env as Mode;
if (!['dev', 'test', 'acceptance'].includes(mode)) {
  process.stderr.write('usage: npm run -w @commerce/acceptance check -- --env dev|acceptance [--json]\n');
  process.exit(2);
}
let report;
try {
  report = await checkInvariants({
    catalogDb: serviceEnv('catalog', mode).DATABASE_URL as string,
    orderDb: serviceEnv('order', mode).DATABASE_URL as string,
    paymentDb: serviceEnv('payment', mode).DATABASE_URL as string,
  });
} catch (error) {
  // Typically a database not migrated yet (relation "orders" does not exist) or not reachable.
  process.stderr.write(`check (${mode}) could not read the databases: ${(error as Error).message}\n`);
  process.exit(2);
}
process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `invariants (${mode}): ${formatReport(report)}\n`);
process.exitCode = report.disagreements.length === 0 ? 0 : 1;
