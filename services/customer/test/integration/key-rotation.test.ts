import { expect } from 'chai';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { createTokenVerifier, keyThumbprint, remoteKeys } from '@commerce/shared';
import { ApiClient, eventually } from '@commerce/shared/testing';
import { loadCustomerConfig } from '../../src/config.js';
import { startCustomerService, type RunningService } from '../../src/service.js';
import { rotateSigningKey } from '../../src/auth/rotation.js';
import { useCustomerService } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';
import { runNode } from '../support/run-node.js';

interface Jwks {
  keys: Record<string, string>[];
}

/* eslint-disable security/detect-non-literal-fs-filename -- files of the test's own temporary directory */

/** A key directory of the test's own, laid out as .run/secrets is: the signing key and the retired keys' directory. */
function keyDirectory() {
  const dir = mkdtempSync(join(tmpdir(), 'customer-rotation-'));
  const first = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const env = { JWT_PRIVATE_KEY_FILE: join(dir, 'jwt-es256-private.pem'), JWT_PREVIOUS_KEYS_DIR: join(dir, 'jwt-previous') };
  writeFileSync(env.JWT_PRIVATE_KEY_FILE, first.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  // Kept aside, as an operator keeps the old key for a rollback.
  writeFileSync(join(dir, 'first-backup.pem'), first.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  mkdirSync(env.JWT_PREVIOUS_KEYS_DIR);
  return { dir, env, firstKid: keyThumbprint(first), backup: join(dir, 'first-backup.pem'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Only the key settings, as an operator runs it on a Kubernetes Secret's files: no database, broker or Redis.
const rotate = (env: Record<string, string>, args: string[] = []) => runNode('src/cli/rotate-signing-key.ts', args, { PATH: process.env.PATH, ...env });
/** The same rotation in-process, at the default lifetime and grace. */
const rotateInProcess = (env: Record<string, string>, to?: string) =>
  rotateSigningKey({
    privateKeyFile: env.JWT_PRIVATE_KEY_FILE!,
    previousKeysDir: env.JWT_PREVIOUS_KEYS_DIR!,
    ttlSeconds: 900,
    graceSeconds: 600,
    ...(to ? { to: createPrivateKey(readFileSync(to)) } : {}),
  });
const kidOf = (token: string) => jwt.decode(token, { complete: true })?.header.kid;

describe('signing-key rotation (rotate-signing-key, then a restart)', () => {
  // The shared harness wipes the tables after each test; the services under test are started below, on keys of their own.
  useCustomerService();
  const started: RunningService[] = [];
  const directories: { remove: () => void }[] = [];

  async function startWith(env: Record<string, string>) {
    const config = loadCustomerConfig({ ...process.env, RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'error', ...env });
    const service = await startCustomerService(config, { port: 0 });
    started.push(service);
    const api = new ApiClient(service.url);
    await eventually(async () => {
      if ((await api.get('/health/ready')).status !== 200) throw new Error('customer service not ready');
    }, { timeoutMs: 15_000 });
    return { api, jwksUrl: `${service.url}/api/v1/auth/jwks.json` };
  }
  const keys = () => {
    const directory = keyDirectory();
    directories.push(directory);
    return directory;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.close()));
    for (const directory of directories.splice(0)) directory.remove();
  });

  it('when the key is rotated, then old tokens still verify, new ones carry the new kid, and the JWKS publishes both, public parts only', async () => {
    const k = keys();
    const before = await startWith(k.env);
    const account = await signedUpCustomer(before.api);
    expect(kidOf(account.accessToken)).to.equal(await k.firstKid);

    const run = rotate(k.env);
    expect(run.status, run.stderr).to.equal(0);
    const newKid = /^signing (\S+)/m.exec(run.stdout)?.[1];
    expect(run.stdout).to.contain(`retired ${await k.firstKid} (published until `);
    const retiredFiles = readdirSync(k.env.JWT_PREVIOUS_KEYS_DIR);
    expect(retiredFiles).to.have.length(1);
    const retiredPem = readFileSync(join(k.env.JWT_PREVIOUS_KEYS_DIR, retiredFiles[0]!), 'utf8');
    expect(retiredPem).to.contain('BEGIN PUBLIC KEY').and.not.contain('PRIVATE');
    expect(run.stdout + run.stderr).not.to.contain('BEGIN');

    const after = await startWith(k.env);
    const jwks = await after.api.get<Jwks>('/api/v1/auth/jwks.json');
    expect(jwks.body.keys.map((key) => key.kid)).to.deep.equal([newKid, await k.firstKid]);
    for (const key of jwks.body.keys) expect(Object.keys(key).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);

    expect((await after.api.get('/api/v1/customers/me', { token: account.accessToken })).status).to.equal(200);
    const login = await after.api.post<{ accessToken: string }>('/api/v1/auth/login', { email: account.email, password: account.password });
    expect(kidOf(login.body.accessToken)).to.equal(newKid);
    // Another service's verifier, which cached the JWKS before the rotation, takes the new kid with one refetch.
    const verify = createTokenVerifier(remoteKeys(after.jwksUrl, { cooldownMs: 0 }));
    expect(await verify(account.accessToken)).to.deep.equal({ customerId: account.id, role: 'customer' });
    expect(await verify(login.body.accessToken)).to.deep.equal({ customerId: account.id, role: 'customer' });
    // The refresh token is no JWT: it still works after the rotation and gets a token of the new key.
    const refreshed = await after.api.post<{ accessToken: string }>('/api/v1/auth/refresh', { refreshToken: account.refreshToken });
    expect(refreshed.status).to.equal(200);
    expect(kidOf(refreshed.body.accessToken)).to.equal(newKid);
  });

  it('when a retired key outlives its window, then it leaves the JWKS without a restart and its tokens get 401 UNAUTHENTICATED', async () => {
    const k = keys();
    const account = await signedUpCustomer((await startWith(k.env)).api);
    await rotateInProcess(k.env);
    // A 1 s lifetime and a 1 s grace: the first key stays published for 2 s after the rotation.
    const after = await startWith({ ...k.env, ACCESS_TOKEN_TTL_SECONDS: '1', JWT_PREVIOUS_KEY_GRACE_SECONDS: '1' });
    const firstKid = await k.firstKid;
    await eventually(async () => {
      const kids = (await after.api.get<Jwks>('/api/v1/auth/jwks.json')).body.keys.map((key) => key.kid);
      if (kids.includes(firstKid) || kids.length !== 1) throw new Error(`still published: ${kids.join(', ')}`);
    }, { timeoutMs: 5_000 });
    const me = await after.api.get<{ code: string }>('/api/v1/customers/me', { token: account.accessToken });
    expect([me.status, me.body.code]).to.deep.equal([401, 'UNAUTHENTICATED']);
    let refused = '';
    await createTokenVerifier(remoteKeys(after.jwksUrl))(account.accessToken).catch((error: { code: string }) => (refused = error.code));
    expect(refused).to.equal('UNAUTHENTICATED');
  });

  it('when rolled back to the kept old key, then it signs again and the key rotated away from stays published', async () => {
    const k = keys();
    const secondKid = (await rotateInProcess(k.env)).signingKid;
    const back = rotate(k.env, ['--to', k.backup]);
    expect(back.status, back.stderr).to.equal(0);
    expect(back.stdout).to.contain(`signing ${await k.firstKid}`).and.contain(`retired ${secondKid}`).and.contain(`removed ${await k.firstKid} (now the current key)`);
    expect(readdirSync(k.env.JWT_PREVIOUS_KEYS_DIR)).to.have.length(1);

    const after = await startWith(k.env);
    const jwks = await after.api.get<Jwks>('/api/v1/auth/jwks.json');
    expect(jwks.body.keys.map((key) => key.kid)).to.deep.equal([await k.firstKid, secondKid]);
    expect(rotate(k.env, ['--to', k.backup]).stdout).to.contain('already the current key, nothing changed');
  });

  it('when the command is misconfigured (exit 2) or given a wrong key (exit 1), then it says why in one line and the key stays as it was', () => {
    const k = keys();
    const key = readFileSync(k.env.JWT_PRIVATE_KEY_FILE, 'utf8');
    const run = rotate({ ...k.env, JWT_PREVIOUS_KEYS_DIR: '' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain('JWT_PREVIOUS_KEYS_DIR is not set');
    expect(readFileSync(k.env.JWT_PRIVATE_KEY_FILE, 'utf8')).to.equal(key);
    const missing = rotate({ JWT_PREVIOUS_KEYS_DIR: k.env.JWT_PREVIOUS_KEYS_DIR });
    expect([missing.status, missing.stderr]).to.deep.equal([2, 'rotate-signing-key: Invalid configuration: JWT_PRIVATE_KEY_FILE is missing\nusage: rotate-signing-key [--to FILE]\n']);
    // A failed rotation says why in one line (exit 1), no stack trace, and changes nothing.
    writeFileSync(join(k.dir, 'ed25519.pem'), generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const wrong = rotate(k.env, ['--to', join(k.dir, 'ed25519.pem')]);
    expect([wrong.status, wrong.stderr]).to.deep.equal([1, 'rotate-signing-key: the key to rotate to must be a P-256 (ES256) private key\n']);
    expect(readFileSync(k.env.JWT_PRIVATE_KEY_FILE, 'utf8')).to.equal(key);
    expect(readdirSync(k.env.JWT_PREVIOUS_KEYS_DIR)).to.deep.equal([]);
  });
});
