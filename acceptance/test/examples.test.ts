import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { ROOT } from '../src/env.js';
import { GATEWAY_URL } from '../src/stack.js';
import { type Acceptance, acceptance } from './support/stack.js';

// The client examples of docs/examples, run as a reader would run them, against the stack's
// gateway: a broken example fails the build. Each buys one unit of a product made for it.

const run = promisify(execFile);
const EXAMPLES = resolve(ROOT, 'docs/examples');
/** Debian's python3, the one python3-requests installs into (scripts/test.sh ensures both). */
const PYTHON = '/usr/bin/python3';

const examples: { name: string; command: string; args: string[] }[] = [
  { name: 'curl (bash)', command: 'bash', args: [resolve(EXAMPLES, 'checkout.sh')] },
  { name: 'Python (requests)', command: PYTHON, args: [resolve(EXAMPLES, 'checkout.py')] },
  { name: 'JavaScript (fetch)', command: process.execPath, args: [resolve(EXAMPLES, 'checkout.mjs')] },
];

/** What the examples need beyond Node; scripts/test.sh installs them (curl, jq, python3-requests). */
function missingTools(): string[] {
  const missing: string[] = [];
  for (const [tool, args] of [
    ['curl', ['--version']],
    ['jq', ['--version']],
    [PYTHON, ['-c', 'import requests']],
  ] as const) {
    try {
      execFileSync(tool, [...args], { stdio: 'ignore' });
    } catch {
      missing.push(tool === PYTHON ? 'python3-requests' : tool);
    }
  }
  return missing;
}

async function runExample(example: (typeof examples)[number], env: Record<string, string>) {
  return run(example.command, example.args, {
    env: { ...process.env, API_BASE_URL: GATEWAY_URL, ...env },
    timeout: 120_000,
  });
}

describe('acceptance: the client examples of docs/examples', function () {
  let a: Acceptance;
  let productId: string;

  before(async function () {
    const missing = missingTools();
    if (missing.length > 0) throw new Error(`the examples need ${missing.join(', ')}: scripts/test.sh installs them (apt-get install curl jq python3-requests)`);
    a = await acceptance(this);
    productId = (await a.shop.newProduct(a.adminToken, { stock: 50, name: 'Examples product' })).id;
  });

  for (const example of examples) {
    it(`${example.name}: register → login → browse → cart → checkout → poll → refresh → logout, exit 0`, async () => {
      const before = await a.shop.inventory(a.adminToken, productId);
      const { stdout } = await runExample(example, { PRODUCT_ID: productId });
      expect(stdout).to.include('order processing, payment completed');
      expect(stdout).to.include('with the new access token');
      await eventually(async () => expect((await a.shop.inventory(a.adminToken, productId)).onHand).to.equal(before.onHand - 1));
    });
  }

  it('an example whose checkout fails (a declined card) exits non-zero, so a broken flow cannot pass', async () => {
    const failed = await runExample(examples[0]!, { PRODUCT_ID: productId, PAYMENT_TOKEN: 'tok_chargeDeclined' }).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failed, 'the run failed').to.not.equal(undefined);
    expect(failed?.code).to.equal(1);
    expect(failed?.stdout).to.include('order cancelled, payment failed, reason PAYMENT_DECLINED');
  });
});
