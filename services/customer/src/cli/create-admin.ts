import { randomBytes } from 'node:crypto';
import { createLogger } from '@commerce/shared';
import { loadCustomerConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { Customer, normalizeEmail } from '../domain/customer.js';
import { registerCustomer } from '../use-cases/register.js';

/**
 * Creates the first admin account, once. Credentials come from ADMIN_EMAIL / ADMIN_PASSWORD; with
 * no password given, one is generated and printed this one time (it is stored only as a hash).
 */
const email = process.env.ADMIN_EMAIL ?? 'admin@commerce.local';
const given = process.env.ADMIN_PASSWORD;
if (given !== undefined && given.length < 10) {
  process.stderr.write('ADMIN_PASSWORD must have at least 10 characters\n');
  process.exit(2);
}
const config = loadCustomerConfig();
const orm = await openDatabase(config.DATABASE_URL, createLogger('customer-admin', config.LOG_LEVEL));
try {
  const em = orm.em.fork();
  if (await em.findOne(Customer, { emailNormalized: normalizeEmail(email), deletedAt: null })) {
    process.stdout.write(`admin account ${email} exists already\n`);
  } else {
    const password = given ?? randomBytes(18).toString('base64url');
    await registerCustomer(em, { email, password, name: 'Administrator', role: 'admin' });
    process.stdout.write(
      given ? `admin account ${email} created with ADMIN_PASSWORD\n` : `admin account created (shown once, keep it safe):\n  email:    ${email}\n  password: ${password}\n`,
    );
  }
} finally {
  await orm.close();
}
