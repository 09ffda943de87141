import { expect } from 'chai';
import { useCustomerService, uniqueEmail } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';

describe('the signed-in customer: /api/v1/customers/me', () => {
  const h = useCustomerService();

  it('when reading my profile, then 200 with an ETag; the same ETag in If-None-Match gives 304', async () => {
    const me = await signedUpCustomer(h.api);
    const res = await h.api.get<{ id: string; email: string }>('/api/v1/customers/me', { token: me.accessToken });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id: me.id, email: me.email });
    const etag = res.headers.get('etag')!;
    expect(etag).to.match(/^"/);
    const again = await h.api.get('/api/v1/customers/me', { token: me.accessToken, headers: { 'if-none-match': etag } });
    expect(again.status).to.equal(304);
  });

  it('when there is no token or a forged one, then 401 UNAUTHENTICATED', async () => {
    const none = await h.api.get<{ code: string }>('/api/v1/customers/me');
    expect(none.status).to.equal(401);
    expect(none.body.code).to.equal('UNAUTHENTICATED');
    const me = await signedUpCustomer(h.api);
    const [header, payload] = me.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    expect((await h.api.get('/api/v1/customers/me', { token: forged })).status).to.equal(401);
  });

  it('when updating name and phone, then they change; an invalid phone is a 400', async () => {
    const me = await signedUpCustomer(h.api);
    const res = await h.api.patch<{ name: string; phone: string }>('/api/v1/customers/me', { name: 'New Name', phone: '+4915112345678' }, { token: me.accessToken });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ name: 'New Name', phone: '+4915112345678' });
    expect((await h.api.patch('/api/v1/customers/me', { phone: '12' }, { token: me.accessToken })).status).to.equal(400);
    expect((await h.api.patch('/api/v1/customers/me', {}, { token: me.accessToken })).status).to.equal(400);
  });

  it("when changing my email to someone else's, then 409 EMAIL_TAKEN; to a free one, then I log in with it", async () => {
    const me = await signedUpCustomer(h.api);
    const other = await signedUpCustomer(h.api);
    const taken = await h.api.patch<{ code: string }>('/api/v1/customers/me', { email: other.email.toUpperCase() }, { token: me.accessToken });
    expect(taken.status).to.equal(409);
    expect(taken.body.code).to.equal('EMAIL_TAKEN');
    const fresh = uniqueEmail('moved');
    expect((await h.api.patch('/api/v1/customers/me', { email: fresh }, { token: me.accessToken })).status).to.equal(200);
    expect((await h.api.post('/api/v1/auth/login', { email: fresh, password: me.password })).status).to.equal(200);
  });

  it('when the current password is wrong, then 422 CURRENT_PASSWORD_INCORRECT and nothing changes', async () => {
    const me = await signedUpCustomer(h.api);
    const res = await h.api.put<{ code: string }>('/api/v1/customers/me/password', { currentPassword: 'wrong-one!', newPassword: 'another-long-pw' }, { token: me.accessToken });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('CURRENT_PASSWORD_INCORRECT');
    expect((await h.api.post('/api/v1/auth/refresh', { refreshToken: me.refreshToken })).status).to.equal(200);
  });

  it('when the password changes, then 204, every refresh token is revoked and only the new password works', async () => {
    const me = await signedUpCustomer(h.api);
    const second = await h.api.post<{ refreshToken: string }>('/api/v1/auth/login', { email: me.email, password: me.password });
    const res = await h.api.put('/api/v1/customers/me/password', { currentPassword: me.password, newPassword: 'brand-new-password' }, { token: me.accessToken });
    expect(res.status).to.equal(204);
    for (const refreshToken of [me.refreshToken, second.body.refreshToken]) {
      expect((await h.api.post('/api/v1/auth/refresh', { refreshToken })).status).to.equal(401);
    }
    expect((await h.api.post('/api/v1/auth/login', { email: me.email, password: me.password })).status).to.equal(401);
    expect((await h.api.post('/api/v1/auth/login', { email: me.email, password: 'brand-new-password' })).status).to.equal(200);
  });

  it('when I delete my account, then 204, customer.customer.deleted is in the outbox, sessions end and the email is free again', async () => {
    const me = await signedUpCustomer(h.api);
    expect((await h.api.delete('/api/v1/customers/me', { token: me.accessToken })).status).to.equal(204);
    const gone = await h.api.get<{ code: string }>('/api/v1/customers/me', { token: me.accessToken });
    expect(gone.status).to.equal(404);
    expect(gone.body.code).to.equal('CUSTOMER_NOT_FOUND');
    expect((await h.api.post('/api/v1/auth/refresh', { refreshToken: me.refreshToken })).status).to.equal(401);
    expect((await h.api.post('/api/v1/auth/login', { email: me.email, password: me.password })).status).to.equal(401);
    const events = await h.db.query(`select type from outbox where payload->'data'->>'customerId' = $1 order by created_at`, [me.id]);
    expect(events.rows.map((r: { type: string }) => r.type)).to.deep.equal(['customer.customer.registered', 'customer.customer.deleted']);
    expect((await h.api.post('/api/v1/auth/register', { email: me.email, password: 'long-enough-pw', name: 'Again' })).status).to.equal(201);
  });
});
