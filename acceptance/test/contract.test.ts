/* eslint-disable security/detect-non-literal-fs-filename -- the paths are built here from ROOT, never from input */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import newman, { type NewmanRunSummary } from 'newman';
import { ROOT } from '../src/env.js';
import { GATEWAY_URL } from '../src/stack.js';
import { type Acceptance, acceptance } from './support/stack.js';
import { contractEnvironment } from './support/contract-data.js';

// Issue 7: the Postman collection that `make docs` generates with Portman from the bundled spec
// (docs/dist/docs/commerce.postman_collection.json, also downloadable at /docs/) runs with newman
// against the acceptance stack. Its contract tests check, for every operation, the exact main
// success status, the content type, the JSON body against the documented schema and the documented
// headers. The data its requests need is made here and passed as environment values.

const DIST = resolve(ROOT, 'docs/dist');
const COLLECTION = resolve(DIST, 'docs/commerce.postman_collection.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Spec {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId: string; responses: Record<string, unknown> }>>>;
}

function runNewman(options: newman.NewmanRunOptions): Promise<NewmanRunSummary> {
  return new Promise((done, fail) => {
    newman.run(options, (error, summary) => (error ? fail(error) : done(summary)));
  });
}

describe('contract: the Postman collection of make docs, run with newman through the gateway', function () {
  let a: Acceptance;

  before(async function () {
    if (!existsSync(COLLECTION)) throw new Error(`${COLLECTION} is missing: run make docs (make test builds it first)`);
    a = await acceptance(this);
  });

  it('every operation answers its documented success status, content type, body schema and headers', async function () {
    // Five paid orders are made first, one after another (one customer, one cart at a time).
    this.timeout(300_000);
    const spec = JSON.parse(readFileSync(resolve(DIST, 'openapi.json'), 'utf8')) as Spec;
    const env = await contractEnvironment(a, GATEWAY_URL);
    const summary = await runNewman({
      collection: JSON.parse(readFileSync(COLLECTION, 'utf8')) as newman.NewmanRunOptions['collection'],
      envVar: Object.entries(env).map(([key, value]) => ({ key, value })),
      reporters: [],
      timeoutRequest: 30_000,
    });

    const failures = summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`);
    const stats = summary.run.stats;
    console.log(`      newman: ${stats.requests.total} requests, ${stats.assertions.total} assertions, ${stats.assertions.failed} failed`);
    expect(failures, `failed contract assertions:\n  ${failures.join('\n  ')}`).to.deep.equal([]);

    // Each operation of the spec ran, and passed its exact status test (a collection missing one
    // would otherwise pass by saying nothing about it).
    const passed = new Set(summary.run.executions.flatMap((e) => (e.assertions ?? []).filter((x) => !x.error).map((x) => x.assertion)));
    const missing = Object.entries(spec.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).flatMap((m) => {
        const success = Object.keys(item[m]!.responses).filter((code) => /^2\d\d$/.test(code)).sort()[0];
        // Postman writes path parameters as :name.
        const name = `[${m.toUpperCase()}]::${path.replace(/\{(\w+)\}/g, ':$1')} - Response status code is ${success}`;
        return passed.has(name) ? [] : [`${item[m]!.operationId} (${name})`];
      }),
    );
    expect(missing, `operations without a passing status test:\n  ${missing.join('\n  ')}`).to.deep.equal([]);
  });
});
