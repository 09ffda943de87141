import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keyThumbprint, loadConfig } from '@commerce/shared';
import { customerConfig } from '../config.js';
import { loadKeyRing, retiredFileName, verifiableUntil } from '../auth/signing-keys.js';

/**
 * Rotates the access-token signing key in place (docs/runbooks/rotate-jwt-signing-key.md): the
 * current key's public half goes to JWT_PREVIOUS_KEYS_DIR, named by this moment, and
 * JWT_PRIVATE_KEY_FILE gets a new P-256 key, or with `--to FILE` that key (a rollback rotates back
 * to a kept key). Retired keys past their window are deleted. The service signs with the new key
 * from its next start. Prints kids only, never key material.
 *   rotate-signing-key [--to FILE]
 * Reads only JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_KEYS_DIR, ACCESS_TOKEN_TTL_SECONDS and JWT_PREVIOUS_KEY_GRACE_SECONDS.
 * Exit codes: 0 rotated (or already current), 2 usage or configuration error.
 */
function fail(message: string): never {
  process.stderr.write(`rotate-signing-key: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { to: { type: 'string' } }, strict: true });
  } catch (error) {
    return fail(`${(error as Error).message}\nusage: rotate-signing-key [--to FILE]`);
  }
})();
// Only the key settings: an operator can run it on a Secret's files, with no database or broker in reach.
const { JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_KEYS_DIR, JWT_PREVIOUS_KEY_GRACE_SECONDS, ACCESS_TOKEN_TTL_SECONDS } = customerConfig;
const config = (() => {
  try {
    return loadConfig({ JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_KEYS_DIR, JWT_PREVIOUS_KEY_GRACE_SECONDS, ACCESS_TOKEN_TTL_SECONDS });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const dir = config.JWT_PREVIOUS_KEYS_DIR;
// Without it the old key would vanish from the JWKS and every access token in flight with it.
if (!dir) fail('JWT_PREVIOUS_KEYS_DIR is not set: the retired key would have nowhere to stay published');

// eslint-disable-next-line security/detect-non-literal-fs-filename -- the configured directory
mkdirSync(dir, { recursive: true, mode: 0o700 });
const ring = await loadKeyRing(config.JWT_PRIVATE_KEY_FILE, dir);
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's own argument
const next: KeyObject = values.to ? createPrivateKey(readFileSync(values.to)) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
if (next.asymmetricKeyType !== 'ec' || next.asymmetricKeyDetails?.namedCurve !== 'prime256v1') fail(`${values.to} must hold a P-256 (ES256) private key`);
const nextKid = await keyThumbprint(next);
if (nextKid === ring.current.kid) {
  process.stdout.write(`signing ${nextKid} (already the current key, nothing changed)\n`);
  process.exit(0);
}

const now = new Date();
const retired = { file: join(dir, retiredFileName(now, ring.current.kid)), kid: ring.current.kid, retiredAt: now };
// The retired key is published before the new one signs: a crash in between leaves the old key current, and published twice.
// eslint-disable-next-line security/detect-non-literal-fs-filename -- a file of the operator's directory
writeFileSync(retired.file, createPublicKey(ring.current.privateKey).export({ format: 'pem', type: 'spki' }), { mode: 0o644, flag: 'wx' });
const temporary = `${config.JWT_PRIVATE_KEY_FILE}.${process.pid}.tmp`;
// eslint-disable-next-line security/detect-non-literal-fs-filename -- next to the configured key file
writeFileSync(temporary, next.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the configured key file, replaced atomically
renameSync(temporary, config.JWT_PRIVATE_KEY_FILE);

const ttl = config.ACCESS_TOKEN_TTL_SECONDS;
const grace = config.JWT_PREVIOUS_KEY_GRACE_SECONDS;
for (const key of ring.retired) {
  // Rotated to (a rollback, or a key published ahead): it is the current key now. Past its window: no token it signed is valid any more.
  if (key.kid === nextKid || verifiableUntil(key, ttl, grace) <= now) {
    rmSync(key.file);
    process.stdout.write(`removed ${key.kid} (${key.kid === nextKid ? 'now the current key' : 'past its window'})\n`);
  }
}
process.stdout.write(
  `retired ${retired.kid} (published until ${verifiableUntil(retired, ttl, grace).toISOString()}: access-token lifetime ${ttl} s + grace ${grace} s)\n` +
    `signing ${nextKid}\n` +
    'restart the customer service to sign with it; the other services fetch the JWKS again on its first token\n',
);
