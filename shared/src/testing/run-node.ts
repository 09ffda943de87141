import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Like runNode, but without blocking the test's event loop: for an entry point that talks to a
 * server the test itself runs (e.g. a stub of another service's public API).
 */
export function runNodeAsync(cwd: string, script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const coverageDir = mkdtempSync(join(tmpdir(), 'child-coverage-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', script, ...args], {
      cwd,
      env: { ...env, NODE_V8_COVERAGE: coverageDir },
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  }).finally(() => rmSync(coverageDir, { recursive: true, force: true })) as Promise<{ status: number | null; stdout: string; stderr: string }>;
}
