import { parseArgs } from 'node:util';
import { createBus, createLogger } from '@commerce/shared';
import { SERVICES, type Mode, type Service, serviceEnv } from '../env.js';

/**
 * npm run -w @commerce/acceptance replay -- --env dev|acceptance --queue <queue> [--limit N]
 * Moves the messages parked in `<queue>.dlq` back to `<queue>` with the kit's
 * `bus.replayDeadLetters` (fresh attempt count, `x-replay-count` + 1; confirmed before the parked
 * copy is removed, so a crash duplicates and never loses, and the consumers' inboxes make the
 * duplicate harmless). Only what was parked when it starts is moved. The broker credentials come
 * from scripts/env.sh of the service that owns the queue (its name's first part: order.saga → order).
 * docs/runbooks/checkout-saga.md: when to replay and what to check first.
 */
const usage = 'usage: npm run -w @commerce/acceptance replay -- --env dev|acceptance --queue <queue> [--limit N]\n';
const { values } = parseArgs({ options: { env: { type: 'string', default: 'dev' }, queue: { type: 'string' }, limit: { type: 'string' } } });
const mode = values.env as Mode;
const queue = values.queue ?? '';
const owner = queue.split('.')[0] as Service;
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (!['dev', 'test', 'acceptance'].includes(mode) || !SERVICES.includes(owner) || (limit !== undefined && !(Number.isInteger(limit) && limit > 0))) {
  process.stderr.write(usage);
  process.exit(2);
}
const env = serviceEnv(owner, mode);
const bus = createBus({ url: env.AMQP_URL as string, service: 'replay-dead-letters', logger: createLogger('replay-dead-letters', 'warn') });
try {
  await bus.waitForConnection(15_000);
  const moved = await bus.replayDeadLetters(queue, limit);
  process.stdout.write(`replayed ${moved} message(s) from ${queue}.dlq to ${queue}\n`);
} finally {
  await bus.close();
}
