import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (acceptance/src/ → ../..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const SERVICES = ['customer', 'catalog', 'cart', 'order', 'payment'] as const;
export type Service = (typeof SERVICES)[number];
export type Mode = 'dev' | 'test' | 'acceptance';

/**
 * A service's environment exactly as scripts/env.sh builds it (secrets from .run/secrets.env), so
 * the suite, the checker and the services can never disagree about a URL or a port. env.sh prints
 * `KEY=value` lines quoted with printf %q; our values (URLs of hex passwords, paths, numbers) only
 * ever need backslash escapes undone.
 */
export function serviceEnv(service: Service, mode: Mode): Record<string, string> {
  const out = execFileSync('bash', [resolve(ROOT, 'scripts/env.sh'), service, mode], { encoding: 'utf8', env: { ...process.env } });
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, key, quoted] = match as unknown as [string, string, string];
    if (quoted.startsWith("$'")) throw new Error(`scripts/env.sh ${service} ${mode}: ${key} needs $'' unquoting, which this reader does not do`);
    env[key] = quoted === "''" ? '' : quoted.replace(/\\(.)/g, '$1');
  }
  return env;
}
