import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The child's coverage goes elsewhere: c8 merges per-process coverage before applying source maps,
 * and a barely-run child's copy of each module would be merged over the real run's counts.
 */
function start(env: NodeJS.ProcessEnv) {
  const coverageDir = mkdtempSync(join(tmpdir(), 'customer-startup-coverage-'));
  try {
    const childEnv = { ...env, NODE_V8_COVERAGE: coverageDir };
    return spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], { cwd: serviceDir, env: childEnv, encoding: 'utf8', timeout: 20_000 });
  } finally {
    rmSync(coverageDir, { recursive: true, force: true });
  }
}

describe('start-up configuration', () => {
  it('when a required variable is missing, then the service refuses to start and names it', () => {
    const { JWT_PRIVATE_KEY_FILE: _dropped, ...env } = process.env;
    const run = start(env);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/JWT_PRIVATE_KEY_FILE is missing/);
  });

  it('when a variable is malformed, then the message names it', () => {
    const run = start({ ...process.env, PORT: 'eighty', REDIS_URL: 'nope' });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/PORT is malformed/);
    expect(run.stderr).to.match(/REDIS_URL is malformed/);
  });
});
