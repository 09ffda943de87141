import { randomBytes } from 'node:crypto';

/** Set by the test environment; these defaults match a local set-up (scripts/ create them). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kit_test';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/commerce_test';

/** Names unique to one test run, so runs (and engineers) sharing a broker never see each other's messages. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(4).toString('hex')}`;
}
