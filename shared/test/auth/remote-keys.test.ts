import { expect } from 'chai';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN, createTokenVerifier } from '../../src/auth/verifier.js';
import { JWKS_CACHE, keyThumbprint, remoteKeys, toPublicJwk, type PublicJwk } from '../../src/auth/jwks.js';
import { ServiceUnavailableError, type AppError } from '../../src/errors.js';
import { createLogger } from '../../src/logging/logger.js';
import { MemoryTransport } from '../../src/testing/index.js';

interface TestKey {
  kid: string;
  privateKey: KeyObject;
  sign: (subject: string) => string;
}

async function newKey(): Promise<TestKey> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = await keyThumbprint(privateKey);
  const sign = (subject: string) =>
    jwt.sign({ role: 'customer' }, privateKey, { algorithm: 'ES256', keyid: kid, issuer: ACCESS_TOKEN.issuer, audience: ACCESS_TOKEN.audience, subject, expiresIn: 60 });
  return { kid, privateKey, sign };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('the token was accepted');
}

/**
 * The verifiers' side of a signing-key rotation, against a real HTTP JWKS endpoint that counts
 * its requests: the keys it publishes change as the customer service's would.
 */
describe('remoteKeys: verifying against the issuer JWKS across a key rotation', () => {
  let server: Server;
  let jwksUri: string;
  let published: PublicJwk[] = [];
  let fetches = 0;
  /** How the endpoint answers: the keys, a 500, or nothing at all (a connection left hanging). */
  let answer: 'keys' | 'error' | 'hang' = 'keys';
  let a: TestKey;
  let b: TestKey;

  before(async () => {
    [a, b] = await Promise.all([newKey(), newKey()]);
    server = createServer((_req, res) => {
      fetches++;
      if (answer === 'hang') return;
      if (answer === 'error') return void res.writeHead(500).end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/auth/jwks.json`;
  });
  beforeEach(() => {
    published = [toPublicJwk(a.privateKey, a.kid)];
    fetches = 0;
    answer = 'keys';
  });
  after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  it('when the issuer signs with a new key, then its first token fetches the JWKS again and verifies, with no restart', async () => {
    const verify = createTokenVerifier(remoteKeys(jwksUri, { cooldownMs: 200 }));
    expect(await verify(a.sign('before'))).to.deep.equal({ customerId: 'before', role: 'customer' });
    expect(fetches).to.equal(1);

    published = [toPublicJwk(b.privateKey, b.kid), toPublicJwk(a.privateKey, a.kid)];
    await sleep(250);
    expect(await verify(b.sign('after'))).to.deep.equal({ customerId: 'after', role: 'customer' });
    expect(await verify(a.sign('in flight'))).to.deep.equal({ customerId: 'in flight', role: 'customer' });
    expect(await verify(b.sign('again'))).to.deep.equal({ customerId: 'again', role: 'customer' });
    expect(fetches).to.equal(2);
  });

  it('when many requests carry a kid the JWKS lacks, then one refetch serves them all and each is refused 401 UNAUTHENTICATED', async () => {
    const verify = createTokenVerifier(remoteKeys(jwksUri, { cooldownMs: 200 }));
    await verify(a.sign('warm'));
    await sleep(250);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => rejection(verify(b.sign('stranger')))));
    const sequential: AppError[] = [];
    for (let i = 0; i < 10; i++) sequential.push(await rejection(verify(b.sign('stranger'))));
    for (const error of [...concurrent, ...sequential]) expect([error.status, error.code]).to.deep.equal([401, 'UNAUTHENTICATED']);
    expect(fetches).to.equal(2);
  });

  it('when the JWKS answers an error and nothing was fetched before, then 503 SERVICE_UNAVAILABLE with a Retry-After of the cooldown, and no fetch again within it', async () => {
    answer = 'error';
    const verify = createTokenVerifier(remoteKeys(jwksUri, { cooldownMs: 2_000 }));
    const first = await rejection(verify(a.sign('during the outage')));
    expect(first).to.be.instanceOf(ServiceUnavailableError);
    expect([first.status, first.code, (first as ServiceUnavailableError).retryAfterSeconds]).to.deep.equal([503, 'SERVICE_UNAVAILABLE', 2]);
    expect((await rejection(verify(a.sign('again')))).status).to.equal(503);
    expect(fetches).to.equal(1);
  });

  it('when the JWKS fails once the cached set has aged, then keys come from the last set fetched, the failure is logged once, and a fetch is tried again after the cooldown', async () => {
    const logged = new MemoryTransport();
    const verify = createTokenVerifier(remoteKeys(jwksUri, { maxAgeMs: 100, cooldownMs: 200 }, createLogger('test', 'warn', [logged])));
    await verify(a.sign('warm'));
    answer = 'error';
    await sleep(150);
    expect(await verify(a.sign('stale'))).to.deep.equal({ customerId: 'stale', role: 'customer' });
    expect(await verify(a.sign('within the cooldown'))).to.deep.equal({ customerId: 'within the cooldown', role: 'customer' });
    expect(fetches).to.equal(2);
    expect(logged.lines.map((l) => [l.level, l.message])).to.deep.equal([['warn', 'JWKS fetch failed; verifying with the last key set fetched, if any']]);
    // A kid the last set lacks can't be told from a new key while the JWKS is away: 503, not 401.
    expect((await rejection(verify(b.sign('stranger')))).status).to.equal(503);

    answer = 'keys';
    published = [toPublicJwk(b.privateKey, b.kid), toPublicJwk(a.privateKey, a.kid)];
    await sleep(250);
    expect(await verify(b.sign('recovered'))).to.deep.equal({ customerId: 'recovered', role: 'customer' });
    expect(fetches).to.equal(3);
  });

  it('when the JWKS hangs, then the first request waits out the timeout and those within the cooldown after it start no fetch to wait on', async () => {
    const verify = createTokenVerifier(remoteKeys(jwksUri, { maxAgeMs: 50, cooldownMs: 5_000, timeoutMs: 300 }));
    await verify(a.sign('warm'));
    answer = 'hang';
    await sleep(100);
    expect(await verify(a.sign('after the timeout'))).to.deep.equal({ customerId: 'after the timeout', role: 'customer' });
    for (let i = 0; i < 5; i++) expect(await verify(a.sign(`quick ${i}`))).to.deep.equal({ customerId: `quick ${i}`, role: 'customer' });
    expect(fetches).to.equal(2);
  });

  it('when the last set fetched is older than its age plus maxStaleMs, then the JWKS being away is a 503', async () => {
    const verify = createTokenVerifier(remoteKeys(jwksUri, { maxAgeMs: 50, maxStaleMs: 100, cooldownMs: 0 }));
    await verify(a.sign('warm'));
    answer = 'error';
    await sleep(80);
    expect(await verify(a.sign('stale but within the bound'))).to.deep.equal({ customerId: 'stale but within the bound', role: 'customer' });
    await sleep(100);
    expect((await rejection(verify(a.sign('too stale')))).status).to.equal(503);
  });

  it('when a kid is unknown within the cooldown after a fetch, then no fetch at all; the kit default cooldown is 5 s', async () => {
    expect(JWKS_CACHE.cooldownMs).to.equal(5_000);
    const verify = createTokenVerifier(remoteKeys(jwksUri));
    await verify(a.sign('warm'));
    expect((await rejection(verify(b.sign('stranger')))).status).to.equal(401);
    expect(fetches).to.equal(1);
  });

  it('when the issuer stops publishing a key, then its tokens are refused once the cached set has aged out', async () => {
    const verify = createTokenVerifier(remoteKeys(jwksUri, { maxAgeMs: 300, cooldownMs: 0 }));
    published = [toPublicJwk(b.privateKey, b.kid), toPublicJwk(a.privateKey, a.kid)];
    await verify(a.sign('in window'));
    published = [toPublicJwk(b.privateKey, b.kid)];
    // Still cached: a verifier trusts a removed key at most the cache age longer.
    expect(await verify(a.sign('cached'))).to.deep.equal({ customerId: 'cached', role: 'customer' });
    await sleep(350);
    const refused = await rejection(verify(a.sign('too late')));
    expect([refused.status, refused.code]).to.deep.equal([401, 'UNAUTHENTICATED']);
    expect(await verify(b.sign('current'))).to.deep.equal({ customerId: 'current', role: 'customer' });
  });

  it('when a key is turned into its JWK, then only public members are published and the kid is its RFC 7638 thumbprint', async () => {
    const jwk = toPublicJwk(a.privateKey, a.kid);
    expect(Object.keys(jwk).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    // RFC 7638 section 3.1's example is RSA; for EC the members are crv, kty, x, y in that order.
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    expect(a.kid).to.equal(createHash('sha256').update(canonical).digest('base64url'));
    expect(await keyThumbprint(a.privateKey)).to.equal(a.kid);
  });
});
