import { randomBytes } from 'node:crypto';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through make test (scripts/env.sh kit test -- npx mocha)`);
  return value;
}

/** The kit's own test database and vhost, from scripts/env.sh kit test. */
export const DATABASE_URL = required('DATABASE_URL');
export const AMQP_URL = required('AMQP_URL');

/** Names unique to one test run, so runs (and engineers) sharing a broker never see each other's messages. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`;
}
