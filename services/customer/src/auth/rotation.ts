import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyThumbprint } from '@commerce/shared';
import { isEs256, loadKeyRing, retiredFileName, verifiableUntil } from './signing-keys.js';

export interface RotationOptions {
  privateKeyFile: string;
  previousKeysDir: string;
  ttlSeconds: number;
  graceSeconds: number;
  /** The key to sign with from now on (a rollback to a kept key, or one published ahead); default: a new one. */
  to?: KeyObject;
  now?: Date;
}

export interface Rotation {
  signingKid: string;
  /** Absent when `to` is the current key already: nothing changed. */
  retired?: { kid: string; until: Date };
  removed: { kid: string; reason: 'now the current key' | 'past its window' }[];
}

/**
 * Rotates the signing key in place: the current key's public half goes to the retired keys'
 * directory, named by this moment, and the key file gets the next key. Retired keys that are
 * current now, or past their window, are deleted. The service signs with it from its next start.
 */
export async function rotateSigningKey(options: RotationOptions): Promise<Rotation> {
  const { privateKeyFile, previousKeysDir: dir, ttlSeconds, graceSeconds, now = new Date() } = options;
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the configured directory
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ring = await loadKeyRing(privateKeyFile, dir);
  const next = options.to ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (next.type !== 'private' || !isEs256(next)) {
    throw new Error('the key to rotate to must be a P-256 (ES256) private key');
  }
  const signingKid = await keyThumbprint(next);
  if (signingKid === ring.current.kid) return { signingKid, removed: [] };

  const retired = { kid: ring.current.kid, retiredAt: now };
  // The retired key is published before the new one signs: a crash in between leaves the old key current, and published twice.
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file of the configured directory
  writeFileSync(join(dir, retiredFileName(now, retired.kid)), createPublicKey(ring.current.privateKey).export({ format: 'pem', type: 'spki' }), {
    mode: 0o644,
    flag: 'wx',
  });
  const temporary = `${privateKeyFile}.${process.pid}.tmp`;
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- next to the configured key file
  writeFileSync(temporary, next.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the configured key file, replaced atomically
  renameSync(temporary, privateKeyFile);

  const removed: Rotation['removed'] = [];
  for (const key of ring.retired) {
    // Rotated to: it is the current key now. Past its window: no token it signed is valid any more.
    const reason = key.kid === signingKid ? 'now the current key' : verifiableUntil(key, ttlSeconds, graceSeconds) <= now ? 'past its window' : undefined;
    if (!reason) continue;
    rmSync(key.file);
    removed.push({ kid: key.kid, reason });
  }
  return { signingKid, retired: { kid: retired.kid, until: verifiableUntil(retired, ttlSeconds, graceSeconds) }, removed };
}
