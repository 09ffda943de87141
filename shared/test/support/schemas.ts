import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSchemas, findContractsDir } from '../../src/messaging/index.js';

/** The message type the messaging tests publish; its schema lives only in a temporary directory. */
export const ORDER_PLACED = 'test.order.placed';

export const TEST_TYPES: Record<string, object> = {
  [ORDER_PLACED]: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: ['orderId', 'amount'],
    properties: { orderId: { type: 'string', format: 'uuid' }, amount: { type: 'integer', minimum: 0 } },
  },
};

/** The real envelope schema plus test data schemas, in a temp dir (never in contracts/events). */
export function createTestSchemas(types: Record<string, object> = TEST_TYPES): { schemas: MessageSchemas; dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kit-schemas-'));
  copyFileSync(join(findContractsDir(), 'envelope.schema.json'), join(dir, 'envelope.schema.json'));
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a temp dir of our own
  for (const [type, schema] of Object.entries(types)) writeFileSync(join(dir, `${type}.schema.json`), JSON.stringify(schema));
  return { schemas: MessageSchemas.load(dir), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
