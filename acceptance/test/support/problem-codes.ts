/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside the repository, from its own listings */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './bus-topology.js';

/**
 * The problem `code`s the code base can answer, read from its source (never from a list kept
 * beside it), so the errors guide cannot fall behind a new code:
 * - the code literals given to an error class of the kit (AppError and its subclasses, found by
 *   their `extends`), to `super(...)` in such a class, to `sendProblem(...)`, and to the gateway's
 *   `problem(...)` (scripts/gateway-config.mjs);
 * - `code = '...'` (a default parameter or a field: `readonly code = 'BULK_REJECTED'`);
 * - a status-to-code table entry, `400: 'VALIDATION_FAILED'` (the framework errors).
 */
const CODE = /^[A-Z][A-Z0-9_]*[A-Z0-9]$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

export function codeSources(): string[] {
  const services = readdirSync(join(ROOT, 'services')).map((svc) => join(ROOT, 'services', svc, 'src'));
  return [...sourceFiles(join(ROOT, 'shared/src')), ...services.flatMap(sourceFiles), join(ROOT, 'scripts/gateway-config.mjs')].filter((f) => !f.includes('/testing/'));
}

/** The text of the call's arguments starting at `open` (the index of its `(`), brackets balanced. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

const literals = (text: string) => [...text.matchAll(/'([^'\n]*)'/g)].map((m) => m[1] as string).filter((s) => CODE.test(s));

/** code → the files (relative to the repository) it comes from. */
export function problemCodesInSource(): Map<string, string[]> {
  const texts = new Map(codeSources().map((f) => [f, readFileSync(f, 'utf8')]));
  const errorClasses = new Set(['AppError']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const text of texts.values()) {
      for (const m of text.matchAll(/class (\w+) extends (\w+)/g)) {
        if (errorClasses.has(m[2] as string) && !errorClasses.has(m[1] as string)) {
          errorClasses.add(m[1] as string);
          grew = true;
        }
      }
    }
  }
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from class names found in our own source
  const callHeads = new RegExp(`(?:new (?:${[...errorClasses].join('|')})|super|sendProblem|problem)\\(`, 'g');
  const found = new Map<string, string[]>();
  const add = (code: string, file: string) => found.set(code, [...new Set([...(found.get(code) ?? []), relative(ROOT, file)])]);
  for (const [file, text] of texts) {
    for (const m of text.matchAll(callHeads)) literals(argumentsAt(text, (m.index ?? 0) + m[0].length - 1)).forEach((c) => add(c, file));
    for (const m of text.matchAll(/\bcode\s*=\s*'([^']+)'/g)) if (CODE.test(m[1] as string)) add(m[1] as string, file);
    for (const m of text.matchAll(/^\s*\d{3}: '([^']+)',?$/gm)) if (CODE.test(m[1] as string)) add(m[1] as string, file);
  }
  return found;
}

/** The order's failure reasons: the members of `type FailureReason = 'A' | 'B' ...` in its domain. */
export function orderFailureReasons(): string[] {
  const text = readFileSync(join(ROOT, 'services/order/src/domain/order.ts'), 'utf8');
  const union = /export type FailureReason =([^;]+);/.exec(text)?.[1] ?? '';
  return literals(union).sort();
}

/** Every `code: X` the OpenAPI documents show (in examples and schemas). */
export function problemCodesInSpecs(): string[] {
  const dir = join(ROOT, 'contracts/openapi');
  const codes = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\bcode: ['"]?([A-Z][A-Z0-9_]+)['"]?\s*$/gm)) codes.add(m[1] as string);
  }
  return [...codes].sort();
}
