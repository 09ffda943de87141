import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyThumbprint } from '@commerce/shared';

/** The key that signs new access tokens; its kid is its RFC 7638 thumbprint. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A former signing key: only its public half is kept, to verify the tokens it signed. */
export interface RetiredKey {
  /** Its file in JWT_PREVIOUS_KEYS_DIR. */
  file: string;
  kid: string;
  publicKey: KeyObject;
  retiredAt: Date;
}

export interface KeyRing {
  current: SigningKey;
  retired: RetiredKey[];
}

/**
 * A retired key's file is named after the moment it stopped signing, UTC, in the ISO 8601 basic
 * format (a Kubernetes Secret key allows no colons), optionally followed by a label:
 * `20261125T233000Z-<kid>.pem`.
 */
const RETIRED_FILE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z[\w-]*\.pem$/;

export function retiredFileName(retiredAt: Date, kid: string): string {
  return `${retiredAt.toISOString().replace(/[-:]|\.\d+/g, '')}-${kid}.pem`;
}

/** Until when a retired key is published and accepted: every token it signed has expired by then, plus the grace. */
export function verifiableUntil(key: Pick<RetiredKey, 'retiredAt'>, ttlSeconds: number, graceSeconds: number): Date {
  return new Date(key.retiredAt.getTime() + (ttlSeconds + graceSeconds) * 1000);
}

export async function loadSigningKey(file: string): Promise<SigningKey> {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path is operator configuration, not user input
  const privateKey = createPrivateKey(readFileSync(file));
  assertEs256(privateKey, 'JWT_PRIVATE_KEY_FILE');
  return { kid: await keyThumbprint(privateKey), privateKey };
}

/**
 * Every `*.pem` in the directory is a retired key (public PEM; a private one is reduced to its
 * public half). Dot-entries are skipped: a mounted Kubernetes Secret keeps its `..data` links there.
 */
export async function loadRetiredKeys(dir: string): Promise<RetiredKey[]> {
  if (!dir) return [];
  const keys: RetiredKey[] = [];
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path is operator configuration, not user input
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || !name.endsWith('.pem')) continue;
    const stamp = RETIRED_FILE.exec(name);
    if (!stamp) throw new Error(`JWT_PREVIOUS_KEYS_DIR: ${name} is not named <YYYYMMDDTHHMMSSZ>[-label].pem (the moment the key retired, UTC)`);
    const [, y, mo, d, h, mi, s] = stamp.map(Number) as number[];
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file of the operator's directory
    const publicKey = createPublicKey(readFileSync(join(dir, name)));
    assertEs256(publicKey, `JWT_PREVIOUS_KEYS_DIR/${name}`);
    keys.push({ file: join(dir, name), kid: await keyThumbprint(publicKey), publicKey, retiredAt: new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)) });
  }
  return keys;
}

/** A key that is current and also listed as retired (after a rollback to it) counts as current only. */
export async function loadKeyRing(privateKeyFile: string, previousKeysDir: string): Promise<KeyRing> {
  const current = await loadSigningKey(privateKeyFile);
  const retired = (await loadRetiredKeys(previousKeysDir)).filter((key) => key.kid !== current.kid);
  return { current, retired };
}

/** Whether the key (either half) is on P-256, the only curve ES256 tokens use. */
export function isEs256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function assertEs256(key: KeyObject, what: string) {
  if (!isEs256(key)) throw new Error(`${what} must hold a P-256 (ES256) key`);
}
