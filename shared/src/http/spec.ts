import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findContractsDir } from '../messaging/schemas.js';

/** The service's contract, `contracts/openapi/<service>.yaml`, parsed once at start-up. */
export function loadOpenApiSpec(service: string): object {
  if (!/^[a-z]+$/.test(service)) throw new Error(`bad service name ${service}`);
  const file = join(findContractsDir(), '..', 'openapi', `${service}.yaml`);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a fixed file under the contracts folder
  return parse(readFileSync(file, 'utf8')) as object;
}
