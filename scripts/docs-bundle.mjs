#!/usr/bin/env node
// scripts/docs-bundle.mjs: joins the services' OpenAPI documents into one document for the whole
// API, as the gateway exposes it (every path already carries /api/v1/...). make docs runs it.
//
//   node scripts/docs-bundle.mjs --out <file.json> [--guides quickstart,errors,...] contracts/openapi/customer.yaml ...
//   node scripts/docs-bundle.mjs --self-test      the merge rules on small in-memory documents
//
// Why not `redocly join`: it either stops at every component two services name alike, or
// prefixes every component of every service. Here the rules are:
//   - a component that several services define identically (after the renames below) is kept once;
//   - a component that services define differently is kept once per service, renamed
//     <Service><Name> (bearerAuth → CustomerBearerAuth), with every $ref and security requirement of
//     that service rewritten; each rename is printed, so none is silent;
//   - a real clash fails: one path or one operationId in two services, one tag described in two
//     ways, or a renamed component whose new name is already taken.
// A service's top-level `security` moves into each of its operations that has none of its own (the
// joined document has no single default). Tags are grouped per service (x-tagGroups, for ReDoc).
/* eslint-disable security/detect-non-literal-fs-filename -- the files named on our command line */
import console from 'node:console';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import process from 'node:process';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const REF = /^#\/components\/([A-Za-z]+)\/([A-Za-z0-9._-]+)$/;

export class BundleError extends Error {}

const pascal = (name) => name.charAt(0).toUpperCase() + name.slice(1);

/** A deep copy of `value` with each `$ref` to a renamed component (renames: "type/name" → new name) rewritten. */
function rewriteRefs(value, renames) {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') {
      const match = REF.exec(v);
      const renamed = match && renames.get(`${match[1]}/${match[2]}`);
      out[key] = renamed ? `#/components/${match[1]}/${renamed}` : v;
    } else {
      out[key] = rewriteRefs(v, renames);
    }
  }
  return out;
}

function* refsIn(value) {
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') yield v;
    else yield* refsIn(v);
  }
}

const renameSecurity = (requirements, renames) =>
  requirements?.map((req) => Object.fromEntries(Object.entries(req).map(([name, scopes]) => [renames.get(`securitySchemes/${name}`) ?? name, scopes])));

/**
 * services: [{ name: 'customer', doc: <parsed OpenAPI 3.0 document> }, ...] in the order the
 * joined document lists them. Returns { doc, renames: ["customer: schemas/Problem → CustomerProblem", ...] }.
 */
export function bundle(services, { title = 'Commerce API', intro = '' } = {}) {
  for (const { name, doc } of services) {
    if (!/^3\.0\.\d+$/.test(String(doc?.openapi))) throw new BundleError(`${name}: not an OpenAPI 3.0 document (openapi: ${doc?.openapi})`);
  }

  // Which "type/name" components are defined differently by two services: renamed in every
  // service that defines them. Renaming one can make components that $ref it differ too, so repeat
  // until nothing new differs.
  const renamed = new Set();
  const renamesOf = (svc) => new Map([...renamed].filter((key) => svc.doc.components?.[key.split('/')[0]]?.[key.split('/')[1]] !== undefined).map((key) => [key, pascal(svc.name) + pascal(key.split('/')[1])]));
  for (;;) {
    const definitions = new Map();
    for (const svc of services) {
      const renames = renamesOf(svc);
      for (const [type, entries] of Object.entries(svc.doc.components ?? {})) {
        for (const [name, value] of Object.entries(entries)) {
          const key = `${type}/${name}`;
          if (!definitions.has(key)) definitions.set(key, []);
          definitions.get(key).push(rewriteRefs(value, renames));
        }
      }
    }
    const differing = [...definitions].filter(([key, values]) => !renamed.has(key) && values.some((v) => !isDeepStrictEqual(v, values[0]))).map(([key]) => key);
    if (differing.length === 0) break;
    for (const key of differing) renamed.add(key);
  }

  const doc = { openapi: '3.0.3', info: { title, version: '', description: intro }, servers: [{ url: '/' }], tags: [], 'x-tagGroups': [], paths: {}, components: {} };
  const versions = new Set();
  const renameNotes = [];
  const operationIds = new Map();
  const tags = new Map();

  for (const svc of services) {
    const { name, doc: source } = svc;
    const renames = renamesOf(svc);
    const svcTitle = source.info?.title ?? pascal(name);
    versions.add(source.info?.version);
    if (source.info?.description) {
      // One level down: each service's own headings sit under its title in ReDoc's menu.
      doc.info.description += `\n\n# ${svcTitle}\n\n${source.info.description.replace(/^(#{1,5}) /gm, '#$1 ').trim()}`;
    }

    for (const [type, entries] of Object.entries(source.components ?? {})) {
      doc.components[type] ??= {};
      for (const [compName, value] of Object.entries(entries)) {
        const key = `${type}/${compName}`;
        const target = renames.get(key) ?? compName;
        const copy = rewriteRefs(value, renames);
        const taken = doc.components[type][target] !== undefined && !isDeepStrictEqual(doc.components[type][target], copy);
        if (renames.has(key)) {
          if (taken || source.components[type][target] !== undefined) throw new BundleError(`${name}: ${key} differs from another service's and its new name ${target} is taken`);
          renameNotes.push(`${name}: ${key} → ${target}`);
        } else if (taken) {
          throw new BundleError(`${name}: ${key} is also the new name of another service's component`);
        }
        doc.components[type][target] = copy;
      }
    }

    const groupTags = new Set();
    for (const tag of source.tags ?? []) {
      const known = tags.get(tag.name);
      if (known && !isDeepStrictEqual(known.tag, tag)) throw new BundleError(`tag '${tag.name}' is described differently by ${known.service} and ${name}`);
      if (!known) {
        tags.set(tag.name, { tag, service: name });
        doc.tags.push(tag);
      }
      groupTags.add(tag.name);
    }

    for (const [path, item] of Object.entries(source.paths ?? {})) {
      if (doc.paths[path]) throw new BundleError(`path ${path} is in ${name} and in another service`);
      const copy = rewriteRefs(item, renames);
      for (const method of METHODS) {
        const op = copy[method];
        if (!op) continue;
        const where = `${name}: ${method.toUpperCase()} ${path}`;
        if (op.operationId) {
          if (operationIds.has(op.operationId)) throw new BundleError(`operationId ${op.operationId} of ${where} is also ${operationIds.get(op.operationId)}`);
          operationIds.set(op.operationId, where);
        }
        const security = op.security ?? source.security;
        if (security) op.security = renameSecurity(security, renames);
        for (const tag of op.tags ?? []) groupTags.add(tag);
      }
      doc.paths[path] = copy;
    }
    // ReDoc shows only the operations whose tags are in a group: every tag used is in its service's.
    for (const tag of groupTags) {
      if (!tags.has(tag)) {
        tags.set(tag, { tag: { name: tag }, service: name });
        doc.tags.push({ name: tag });
      }
    }
    doc['x-tagGroups'].push({ name: svcTitle, tags: [...groupTags] });
  }
  const dangling = [...new Set(refsIn(doc))].filter((ref) => {
    const match = REF.exec(ref);
    return !match || doc.components[match[1]]?.[match[2]] === undefined;
  });
  if (dangling.length > 0) throw new BundleError(`$ref to nothing in the joined document: ${dangling.join(', ')}`);
  doc.info.version = [...versions].filter(Boolean).join(', ') || '0.0.0';
  doc.info.description = doc.info.description.trim();
  return { doc, renames: renameNotes };
}

// --- self-test: the rules above on documents small enough to read -------------------------------

function selfTest() {
  const problems = [];
  const check = (what, ok) => ok || problems.push(what);
  const spec = (paths, components = {}, extra = {}) => ({ openapi: '3.0.3', info: { title: 'T', version: '1.0.0' }, paths, components, ...extra });
  const problem = (description) => ({ type: 'object', description });
  const op = (operationId, ref, extra = {}) => ({ operationId, tags: ['t'], responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } }, ...extra });

  const a = spec(
    { '/a': { get: op('getA', '#/components/schemas/Problem') }, '/a2': { get: op('getA2', '#/components/schemas/Same', { security: [] }) } },
    { schemas: { Problem: problem('a'), Same: { type: 'string' }, Wrap: { $ref: '#/components/schemas/Problem' } }, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'a' } } },
    { security: [{ bearerAuth: [] }], tags: [{ name: 't' }] },
  );
  const b = spec(
    { '/b': { get: op('getB', '#/components/schemas/Wrap') } },
    { schemas: { Problem: problem('b'), Same: { type: 'string' }, Wrap: { $ref: '#/components/schemas/Problem' } }, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'b' } } },
    { security: [{ bearerAuth: [] }] },
  );
  const { doc, renames } = bundle([{ name: 'a', doc: a }, { name: 'b', doc: b }]);
  const schemas = Object.keys(doc.components.schemas).sort().join(',');
  check(`identical components kept once, differing ones (and those that $ref them) renamed per service: got ${schemas}`, schemas === 'AProblem,AWrap,BProblem,BWrap,Same');
  check('refs rewritten within each service', doc.paths['/b'].get.responses[200].content['application/json'].schema.$ref === '#/components/schemas/BWrap' && doc.components.schemas.BWrap.$ref === '#/components/schemas/BProblem');
  check('a service\'s top-level security moves into its operations, renamed', isDeepStrictEqual(doc.paths['/a'].get.security, [{ ABearerAuth: [] }]) && isDeepStrictEqual(doc.paths['/b'].get.security, [{ BBearerAuth: [] }]));
  check('an operation\'s own security stays', isDeepStrictEqual(doc.paths['/a2'].get.security, []));
  check(`every rename is reported: ${renames.join('; ')}`, renames.length === 6);
  check('tags used by operations are grouped per service', isDeepStrictEqual(doc['x-tagGroups'].map((g) => g.tags), [['t'], ['t']]));

  const fails = (what, services, pattern) => {
    try {
      bundle(services);
      problems.push(`${what}: joined without an error`);
    } catch (error) {
      check(`${what}: wrong error '${error.message}'`, error instanceof BundleError && pattern.test(error.message));
    }
  };
  fails('one path in two services', [{ name: 'a', doc: spec({ '/x': { get: op('x1', '#/c') } }) }, { name: 'b', doc: spec({ '/x': { post: op('x2', '#/c') } }) }], /path \/x/);
  fails('one operationId in two services', [{ name: 'a', doc: spec({ '/x': { get: op('same', '#/c') } }) }, { name: 'b', doc: spec({ '/y': { get: op('same', '#/c') } }) }], /operationId same/);
  fails('one tag described twice', [{ name: 'a', doc: spec({}, {}, { tags: [{ name: 't', description: '1' }] }) }, { name: 'b', doc: spec({}, {}, { tags: [{ name: 't', description: '2' }] }) }], /tag 't'/);
  fails('a new name already taken', [{ name: 'a', doc: spec({}, { schemas: { P: { type: 'string' }, AP: { type: 'number' } } }) }, { name: 'b', doc: spec({}, { schemas: { P: { type: 'integer' } } }) }], /AP is taken/);
  fails('a $ref to nothing', [{ name: 'a', doc: spec({ '/x': { get: op('x', '#/components/schemas/Missing') } }) }], /\$ref to nothing.*Missing/);
  fails('not OpenAPI 3.0', [{ name: 'a', doc: { swagger: '2.0' } }], /not an OpenAPI 3.0/);
  return problems;
}

// --- command line --------------------------------------------------------------------------------

function main(argv) {
  if (argv[0] === '--self-test') {
    const problems = selfTest();
    for (const p of problems) console.error(`docs-bundle self-test: ${p}`);
    console.log(problems.length ? `docs-bundle self-test: ${problems.length} problem(s)` : 'docs-bundle self-test: ok');
    return problems.length ? 1 : 0;
  }
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' }, guides: { type: 'string', default: '' } }, allowPositionals: true });
  if (!values.out || positionals.length === 0) {
    console.error('usage: docs-bundle.mjs --out <file.json> [--guides <name,...>] <spec.yaml>... | --self-test');
    return 2;
  }
  const out = resolve(values.out);
  const services = positionals.map((file) => ({ name: basename(file, extname(file)), doc: parse(readFileSync(file, 'utf8')) }));
  // The guides make docs renders at /docs/<name> (scripts/docs-guides.mjs), linked from the top.
  const guides = values.guides.split(',').filter(Boolean).map((name) => `[${name.replaceAll('-', ' ')}](/docs/${name})`);
  const intro = `The whole commerce API as its gateway exposes it: ${services.map((s) => s.name).join(', ')}, one section per service below.
Joined by \`make docs\` from contracts/openapi/*.yaml; each service also serves its own document at its /openapi.json.
${guides.length ? `Guides: ${guides.join(' · ')}.\n` : ''}[Postman collection with contract tests](/docs/commerce.postman_collection.json).`;
  try {
    const { doc, renames } = bundle(services, { intro });
    const byKey = new Map();
    for (const note of renames) {
      const [, service, key] = /^(\S+): (\S+) → /.exec(note);
      byKey.set(key, [...(byKey.get(key) ?? []), service]);
    }
    for (const [key, names] of byKey) console.error(`docs-bundle: ${key} differs between services: kept as <Service>${pascal(key.split('/')[1])} for ${names.join(', ')}`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    const operations = Object.values(doc.paths).reduce((n, item) => n + METHODS.filter((m) => item[m]).length, 0);
    console.error(`docs-bundle: wrote ${out} (${Object.keys(doc.paths).length} paths, ${operations} operations, ${renames.length} renamed components)`);
    return 0;
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    console.error(`docs-bundle: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
