/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside the repository, from its own listings */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bus as the services' own code declares it, for the checks that the AsyncAPI document
 * (contracts/events/asyncapi.yaml) says the same: read from the code, never from a list kept
 * beside it, so a new queue, binding or published type the document lacks fails the check.
 */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EVENTS_DIR = join(ROOT, 'contracts/events');

const SERVICES = readdirSync(join(ROOT, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** Every message type: a `<type>.schema.json` in contracts/events (not the envelope, not a shared `_` file). */
export function messageTypes(): string[] {
  return readdirSync(EVENTS_DIR)
    .filter((f) => f.endsWith('.schema.json') && !f.startsWith('_') && f !== 'envelope.schema.json')
    .map((f) => basename(f, '.schema.json'))
    .sort();
}

export interface DeclaredQueue {
  service: string;
  queue: string;
  bindings: string[];
}

function messagingModules(service: string): string[] {
  const dir = join(ROOT, 'services', service, 'src/messaging');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/**
 * Every queue a service consumes and the routing keys bound to it: each exported `consume*`
 * function of its src/messaging modules is called with a bus that records what it is asked to
 * consume (the real function, so its queue name and bindings are the ones it would declare).
 */
export async function declaredQueues(): Promise<DeclaredQueue[]> {
  const queues: DeclaredQueue[] = [];
  for (const service of SERVICES) {
    for (const file of messagingModules(service)) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, fn] of Object.entries(mod)) {
        if (!name.startsWith('consume') || typeof fn !== 'function') continue;
        const bus = {
          consume: (options: { queue: string; bindings: string[] }) => {
            queues.push({ service, queue: options.queue, bindings: [...options.bindings].sort() });
            return Promise.resolve({});
          },
        };
        await (fn as (deps: unknown) => Promise<unknown>)({ bus });
      }
    }
  }
  return queues.sort((a, b) => a.queue.localeCompare(b.queue));
}

/**
 * The types each service publishes: every message type named as a string literal in its
 * src/messaging modules (where all its outbox writes live) that it does not consume itself.
 */
export async function publishedTypes(): Promise<Map<string, string[]>> {
  const known = new Set(messageTypes());
  const consumed = new Map<string, Set<string>>();
  for (const q of await declaredQueues()) {
    const set = consumed.get(q.service) ?? new Set<string>();
    q.bindings.forEach((b) => set.add(b));
    consumed.set(q.service, set);
  }
  const published = new Map<string, string[]>();
  for (const service of SERVICES) {
    const types = new Set<string>();
    for (const file of messagingModules(service)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'([a-z][a-z0-9.-]+)'/g)) {
        const literal = match[1] as string;
        if (known.has(literal) && !consumed.get(service)?.has(literal)) types.add(literal);
      }
    }
    if (types.size > 0) published.set(service, [...types].sort());
  }
  return published;
}
