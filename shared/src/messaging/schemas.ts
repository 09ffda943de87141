import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module, { type AnySchemaObject, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Envelope } from './envelope.js';
import { MessageValidationError, UnknownMessageTypeError, type SchemaViolation } from './errors.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

const ENVELOPE_FILE = 'envelope.schema.json';
const SUFFIX = '.schema.json';

/**
 * Finds `contracts/events` by walking up from the working directory and from this module's own
 * location, so it works from a service folder, the repo root, `src` under tsx and `dist` alike.
 */
export function findContractsDir(startDirs: string[] = [process.cwd(), dirname(fileURLToPath(import.meta.url))]): string {
  for (const start of startDirs) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, 'contracts', 'events');
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- a folder above cwd or this module, not user input
      if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`contracts/events not found above ${startDirs.join(' or ')}`);
}

/**
 * The JSON Schemas (draft 2020-12) of the envelope and of every message type's `data`, compiled
 * once at start-up. A file `<type>.schema.json` describes the data of `<type>`; all files are
 * registered with ajv first so that one may `$ref` another by its `$id` (files starting with `_`
 * hold shared definitions only).
 */
export class MessageSchemas {
  private constructor(
    private readonly envelope: ValidateFunction,
    private readonly byType: Map<string, ValidateFunction>,
  ) {}

  static load(dir: string = findContractsDir()): MessageSchemas {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the contracts folder, from code or config
    const files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX)).sort();
    if (!files.includes(ENVELOPE_FILE)) throw new Error(`${ENVELOPE_FILE} is missing from ${dir}`);
    const keys = new Map<string, string>();
    for (const file of files) {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file listed from the contracts folder
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as AnySchemaObject;
      const key = typeof schema.$id === 'string' ? schema.$id : file;
      ajv.addSchema(schema, typeof schema.$id === 'string' ? undefined : file);
      keys.set(file, key);
    }
    const compile = (file: string): ValidateFunction => {
      const validate = ajv.getSchema(keys.get(file) ?? file);
      if (!validate) throw new Error(`Schema ${file} could not be compiled`);
      return validate;
    };
    const byType = new Map<string, ValidateFunction>();
    for (const file of files) {
      // `_money.schema.json` and the like only hold definitions for others to `$ref`.
      if (file !== ENVELOPE_FILE && !file.startsWith('_')) byType.set(file.slice(0, -SUFFIX.length), compile(file));
    }
    return new MessageSchemas(compile(ENVELOPE_FILE), byType);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  /** Checks the envelope and its data; returns it typed, or throws. */
  validate<TData = Record<string, unknown>>(message: unknown): Envelope<TData> {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    const typeName = typeof type === 'string' ? type : '(none)';
    if (!this.envelope(message)) throw new MessageValidationError(typeName, violations(this.envelope.errors));
    const validateData = this.byType.get(typeName);
    if (!validateData) throw new UnknownMessageTypeError(typeName);
    const envelope = message as Envelope<TData>;
    if (!validateData(envelope.data)) {
      throw new MessageValidationError(typeName, violations(validateData.errors, '/data'));
    }
    return envelope;
  }

  /** Parses a message body from the wire and validates it. */
  parse(body: Buffer | string): Envelope {
    let message: unknown;
    try {
      message = JSON.parse(body.toString());
    } catch (error) {
      throw new MessageValidationError('(unparseable)', [{ path: '', message: `is not JSON (${(error as Error).message})` }]);
    }
    return this.validate(message);
  }
}

function violations(errors: ErrorObject[] | null | undefined, prefix = ''): SchemaViolation[] {
  return (errors ?? []).map((e) => ({ path: `${prefix}${e.instancePath}`, message: e.message ?? e.keyword }));
}
