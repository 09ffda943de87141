import { createLogger } from '@commerce/shared';
import { loadCustomerConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { republishAddresses } from '../use-cases/republish-addresses.js';

/** `republish-addresses.js`: re-announces every address (docs/runbooks/cart-read-model.md). */
const config = loadCustomerConfig();
const orm = await openDatabase(config.DATABASE_URL, createLogger('customer-republish', config.LOG_LEVEL));
try {
  const count = await republishAddresses(orm.em);
  process.stdout.write(`customer: ${count} address(es) announced again (customer.address.added, through the outbox)\n`);
} finally {
  await orm.close();
}
