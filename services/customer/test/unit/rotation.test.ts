import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyThumbprint } from '@commerce/shared';
import { rotateSigningKey, type RotationOptions } from '../../src/auth/rotation.js';
import { loadKeyRing, retiredFileName } from '../../src/auth/signing-keys.js';

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const T = new Date('2026-11-25T23:30:00Z');
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);

/* eslint-disable security/detect-non-literal-fs-filename -- files of the test's own temporary directory */
describe('rotateSigningKey: the key files a rotation leaves behind', () => {
  let dir: string;
  let options: RotationOptions;
  const first = newKey();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'customer-rotate-'));
    options = { privateKeyFile: join(dir, 'private.pem'), previousKeysDir: join(dir, 'previous'), ttlSeconds: 900, graceSeconds: 600, now: T };
    writeFileSync(options.privateKeyFile, first.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when rotated, then the old key is retired as of now (public half only), the key file holds the new key, mode 600, and nothing else is left', async () => {
    const rotation = await rotateSigningKey(options);
    const firstKid = await keyThumbprint(first);
    expect(rotation.retired).to.deep.equal({ kid: firstKid, until: minutes(25) });
    expect(readdirSync(options.previousKeysDir)).to.deep.equal([retiredFileName(T, firstKid)]);
    expect(readFileSync(join(options.previousKeysDir, retiredFileName(T, firstKid)), 'utf8')).to.equal(
      createPublicKey(first).export({ format: 'pem', type: 'spki' }),
    );
    const ring = await loadKeyRing(options.privateKeyFile, options.previousKeysDir);
    expect(ring.current.kid).to.equal(rotation.signingKid).and.not.equal(firstKid);
    expect(statSync(options.privateKeyFile).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir).sort()).to.deep.equal(['previous', 'private.pem']);
  });

  it('when a retired key is past its window at the next rotation, then its file is deleted; one still inside it stays', async () => {
    const r1 = await rotateSigningKey(options);
    const r2 = await rotateSigningKey({ ...options, now: minutes(10) });
    const r3 = await rotateSigningKey({ ...options, now: minutes(26) });
    expect(r2.removed).to.deep.equal([]);
    expect(r3.removed).to.deep.equal([{ kid: await keyThumbprint(first), reason: 'past its window' }]);
    const ring = await loadKeyRing(options.privateKeyFile, options.previousKeysDir);
    expect(ring.retired.map((key) => key.kid)).to.deep.equal([r1.signingKid, r2.signingKid]);
  });

  it('when rotated to a key that is retired (a rollback, or a key published ahead), then its retired entry goes, as it is current again', async () => {
    const rotation = await rotateSigningKey(options);
    const back = await rotateSigningKey({ ...options, to: first, now: minutes(1) });
    expect(back.signingKid).to.equal(await keyThumbprint(first));
    expect(back.removed).to.deep.equal([{ kid: await keyThumbprint(first), reason: 'now the current key' }]);
    expect(readdirSync(options.previousKeysDir)).to.deep.equal([retiredFileName(minutes(1), rotation.signingKid)]);
  });

  it('when rotated to the current key, then nothing changes', async () => {
    const before = readFileSync(options.privateKeyFile, 'utf8');
    expect(await rotateSigningKey({ ...options, to: first })).to.deep.equal({ signingKid: await keyThumbprint(first), removed: [] });
    expect(readFileSync(options.privateKeyFile, 'utf8')).to.equal(before);
    expect(readdirSync(options.previousKeysDir)).to.deep.equal([]);
  });

  for (const [what, to] of [
    ['a public key', createPublicKey(newKey())],
    ['an Ed25519 key', generateKeyPairSync('ed25519').privateKey],
  ] as const) {
    it(`when the key to rotate to is ${what}, then it is refused and no file changes`, async () => {
      const before = readFileSync(options.privateKeyFile, 'utf8');
      let message = '';
      await rotateSigningKey({ ...options, to }).catch((error: Error) => (message = error.message));
      expect(message).to.equal('the key to rotate to must be a P-256 (ES256) private key');
      expect(readFileSync(options.privateKeyFile, 'utf8')).to.equal(before);
      expect(readdirSync(options.previousKeysDir)).to.deep.equal([]);
    });
  }
});
