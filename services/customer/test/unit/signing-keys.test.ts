import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, keyThumbprint } from '@commerce/shared';
import { AccessTokens } from '../../src/auth/access-tokens.js';
import { loadKeyRing, loadRetiredKeys, retiredFileName } from '../../src/auth/signing-keys.js';

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const TTL = 900;
const GRACE = 600;

/* eslint-disable security/detect-non-literal-fs-filename -- files of the test's own temporary directory */
describe('signing keys: the current key, the retired ones and their window', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'customer-keys-'));
    mkdirSync(join(dir, 'previous'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeCurrent = (key = newKey()) => {
    writeFileSync(join(dir, 'current.pem'), key.export({ format: 'pem', type: 'pkcs8' }));
    return key;
  };
  const retire = async (key: ReturnType<typeof newKey>, at: Date) => {
    writeFileSync(join(dir, 'previous', retiredFileName(at, await keyThumbprint(key))), createPublicKey(key).export({ format: 'pem', type: 'spki' }));
  };

  it('when a key retired at T, then it is published and verifies its tokens until T + token lifetime + grace, not after', async () => {
    const old = newKey();
    writeCurrent();
    const retiredAt = new Date('2026-11-25T23:30:00Z');
    await retire(old, retiredAt);
    const ring = await loadKeyRing(join(dir, 'current.pem'), join(dir, 'previous'));
    expect(ring.retired.map((key) => key.retiredAt.toISOString())).to.deep.equal(['2026-11-25T23:30:00.000Z']);

    let now = retiredAt.getTime() + (TTL + GRACE) * 1000 - 1;
    const tokens = new AccessTokens(ring, TTL, GRACE, () => now);
    const oldKid = await keyThumbprint(old);
    expect(tokens.jwks().keys.map((key) => key.kid)).to.deep.equal([tokens.kid, oldKid]);
    expect(await tokens.keyResolver()(oldKid)).to.have.property('type', 'public');

    now += 1;
    expect(tokens.jwks().keys.map((key) => key.kid)).to.deep.equal([tokens.kid]);
    let refused = '';
    await tokens.keyResolver()(oldKid).catch((error: Error) => (refused = error.message));
    expect(refused).to.contain('unknown kid');
  });

  it('when tokens are issued, then they carry the current kid and verify with the keys the service publishes', async () => {
    writeCurrent();
    const tokens = new AccessTokens(await loadKeyRing(join(dir, 'current.pem'), ''), TTL, GRACE);
    const verify = createTokenVerifier(tokens.keyResolver());
    expect(await verify(tokens.issue({ id: 'c1', role: 'admin' }))).to.deep.equal({ customerId: 'c1', role: 'admin' });
    expect(tokens.jwks().keys.every((key) => !('d' in key))).to.equal(true);
  });

  it('when the current key is also in the retired directory (a rollback to it), then it is published once, as the current key', async () => {
    const key = writeCurrent();
    await retire(key, new Date());
    const ring = await loadKeyRing(join(dir, 'current.pem'), join(dir, 'previous'));
    expect(ring.retired).to.deep.equal([]);
    expect(new AccessTokens(ring, TTL, GRACE).jwks().keys).to.have.length(1);
  });

  it('when the directory holds a Kubernetes Secret mount, then its dot-entries and non-PEM files are skipped', async () => {
    await retire(newKey(), new Date('2026-11-25T23:30:00Z'));
    mkdirSync(join(dir, 'previous', '..2026_11_25_23_30_00.1'));
    symlinkSync('..2026_11_25_23_30_00.1', join(dir, 'previous', '..data'));
    writeFileSync(join(dir, 'previous', 'README'), 'not a key');
    expect(await loadRetiredKeys(join(dir, 'previous'))).to.have.length(1);
  });

  it('when a retired key file is not named by its retirement time, then loading fails and names the file', async () => {
    writeFileSync(join(dir, 'previous', 'old-key.pem'), createPublicKey(newKey()).export({ format: 'pem', type: 'spki' }));
    let message = '';
    await loadRetiredKeys(join(dir, 'previous')).catch((error: Error) => (message = error.message));
    expect(message).to.contain('old-key.pem is not named <YYYYMMDDTHHMMSSZ>');
  });

  it('when a key is not P-256, then loading fails without printing the key', async () => {
    writeFileSync(join(dir, 'current.pem'), generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    let message = '';
    await loadKeyRing(join(dir, 'current.pem'), '').catch((error: Error) => (message = error.message));
    expect(message).to.equal('JWT_PRIVATE_KEY_FILE must hold a P-256 (ES256) key');
  });

  it('when a retirement time is turned into a file name, then it is ISO 8601 basic UTC, which a Kubernetes Secret key allows', () => {
    expect(retiredFileName(new Date('2026-11-25T23:30:05.123Z'), 'abc_-D')).to.equal('20261125T233005Z-abc_-D.pem');
  });
});
