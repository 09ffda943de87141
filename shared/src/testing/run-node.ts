import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a TypeScript entry point of a service in a child process (from the service's own
 * directory `cwd`), as an operator would.
 * The child's coverage goes to a throw-away folder: c8 merges raw per-process coverage before
 * applying source maps, and a barely-run child's copy of each module would overwrite the counts
 * of the test process.
 */
export function runNode(cwd: string, script: string, args: string[], env: NodeJS.ProcessEnv) {
  const coverageDir = mkdtempSync(join(tmpdir(), 'child-coverage-'));
  try {
    return spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', script, ...args], {
      cwd,
      env: { ...env, NODE_V8_COVERAGE: coverageDir },
      encoding: 'utf8',
      timeout: 30_000,
    });
  } finally {
    rmSync(coverageDir, { recursive: true, force: true });
  }
}
