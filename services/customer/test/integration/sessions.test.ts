import { expect } from 'chai';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTokenVerifier, keyThumbprint, remoteKeys } from '@commerce/shared';
import { useCustomerService, uniqueEmail } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';

interface Pair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

describe('sessions: login, refresh, logout', () => {
  const h = useCustomerService();

  it('when the credentials are right, then a token pair whose access token verifies against the JWKS', async () => {
    const account = await signedUpCustomer(h.api);
    const login = await h.api.post<Pair>('/api/v1/auth/login', { email: account.email, password: account.password });
    expect(login.status).to.equal(200);
    expect(login.body.tokenType).to.equal('Bearer');
    expect(login.body.expiresIn).to.equal(900);
    const verify = createTokenVerifier(remoteKeys(`${h.service.url}/api/v1/auth/jwks.json`));
    expect(await verify(login.body.accessToken)).to.deep.equal({ customerId: account.id, role: 'customer' });
  });

  it('when the JWKS is fetched, then it lists the ES256 public key with its kid first, and caching headers', async () => {
    const res = await h.api.get<{ keys: Record<string, string>[] }>('/api/v1/auth/jwks.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.contain('max-age');
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the test environment's own key file
    const kid = await keyThumbprint(createPrivateKey(readFileSync(h.config.JWT_PRIVATE_KEY_FILE)));
    expect(res.body.keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid });
    // Retired keys of the environment's own rotations (.run/secrets/jwt-previous) may follow: public too.
    for (const key of res.body.keys) expect(key).not.to.have.property('d');
  });

  it('when the email is unknown or the password wrong, then the same 401 INVALID_CREDENTIALS', async () => {
    const account = await signedUpCustomer(h.api);
    const wrong = await h.api.post<Record<string, unknown>>('/api/v1/auth/login', { email: account.email, password: 'not-the-password' });
    const unknown = await h.api.post<Record<string, unknown>>('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: 'not-the-password' });
    for (const res of [wrong, unknown]) {
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('INVALID_CREDENTIALS');
    }
    expect({ ...wrong.body, traceId: '' }).to.deep.equal({ ...unknown.body, traceId: '' });
  });

  it('when a refresh token is used, then it rotates; using the old one again revokes the whole family', async () => {
    const account = await signedUpCustomer(h.api);
    const first = await h.api.post<Pair>('/api/v1/auth/refresh', { refreshToken: account.refreshToken });
    expect(first.status).to.equal(200);
    expect(first.body.refreshToken).not.to.equal(account.refreshToken);

    const reuse = await h.api.post<{ code: string }>('/api/v1/auth/refresh', { refreshToken: account.refreshToken });
    expect(reuse.status).to.equal(401);
    expect(reuse.body.code).to.equal('REFRESH_TOKEN_REUSED');

    const successor = await h.api.post<{ code: string }>('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(successor.status).to.equal(401);
    expect(successor.body.code).to.equal('INVALID_REFRESH_TOKEN');
  });

  it('when the same refresh token is presented twice at once, then at most one succeeds and the family ends revoked', async () => {
    const account = await signedUpCustomer(h.api);
    const both = await Promise.all([1, 2].map(() => h.api.post<Pair>('/api/v1/auth/refresh', { refreshToken: account.refreshToken })));
    const ok = both.filter((r) => r.status === 200);
    expect(ok.length).to.be.at.most(1);
    const active = await h.db.query('select count(*)::int as n from refresh_tokens where customer_id = $1 and revoked_at is null and rotated_at is null', [account.id]);
    expect(active.rows[0].n).to.equal(0);
  });

  it('when an unknown refresh token is presented, then 401 INVALID_REFRESH_TOKEN', async () => {
    const res = await h.api.post<{ code: string }>('/api/v1/auth/refresh', { refreshToken: 'made-up-token' });
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal('INVALID_REFRESH_TOKEN');
  });

  it('when logging out, then 204 and the refresh token no longer works; an unknown token also gives 204', async () => {
    const account = await signedUpCustomer(h.api);
    expect((await h.api.post('/api/v1/auth/logout', { refreshToken: account.refreshToken })).status).to.equal(204);
    const after = await h.api.post<{ code: string }>('/api/v1/auth/refresh', { refreshToken: account.refreshToken });
    expect(after.status).to.equal(401);
    expect((await h.api.post('/api/v1/auth/logout', { refreshToken: 'unknown' })).status).to.equal(204);
  });

  it('when a customer is suspended, then login is refused with 403 ACCOUNT_SUSPENDED and refresh fails', async () => {
    const account = await signedUpCustomer(h.api);
    const admin = await h.adminToken();
    const suspend = await h.api.patch(`/api/v1/customers/${account.id}`, { status: 'suspended' }, { token: admin.accessToken });
    expect(suspend.status).to.equal(200);
    const login = await h.api.post<{ code: string }>('/api/v1/auth/login', { email: account.email, password: account.password });
    expect(login.status).to.equal(403);
    expect(login.body.code).to.equal('ACCOUNT_SUSPENDED');
    const refresh = await h.api.post('/api/v1/auth/refresh', { refreshToken: account.refreshToken });
    expect(refresh.status).to.equal(401);
    const me = await h.api.get<{ code: string }>('/api/v1/customers/me', { token: account.accessToken });
    expect(me.status).to.equal(403);
    expect(me.body.code).to.equal('ACCOUNT_SUSPENDED');
  });
});

describe('login throttling', () => {
  const h = useCustomerService({ LOGIN_FAILURES_PER_EMAIL: '3', LOGIN_FAILURES_PER_IP: '5' });

  it('when one email fails too often, then 429 RATE_LIMITED with Retry-After, even with the right password', async () => {
    const account = await signedUpCustomer(h.api);
    for (let i = 0; i < 3; i++) {
      expect((await h.api.post('/api/v1/auth/login', { email: account.email, password: 'wrong-password' })).status).to.equal(401);
    }
    const blocked = await h.api.post<{ code: string }>('/api/v1/auth/login', { email: account.email, password: account.password });
    expect(blocked.status).to.equal(429);
    expect(blocked.body.code).to.equal('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('when successful logins happen, then they do not count towards the limit', async () => {
    const account = await signedUpCustomer(h.api);
    for (let i = 0; i < 6; i++) {
      expect((await h.api.post('/api/v1/auth/login', { email: account.email, password: account.password })).status).to.equal(200);
    }
  });

  it('when one IP fails across many emails, then it is throttled per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await h.api.post('/api/v1/auth/login', { email: uniqueEmail('spray'), password: 'wrong-password' })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429]);
  });
});
