import { expect } from 'chai';
import { useCustomerService } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';

interface CustomerBody {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
}
interface ListBody {
  items: CustomerBody[];
  nextCursor: string | null;
}

describe('admin: /api/v1/customers', () => {
  const h = useCustomerService();

  it('when a customer calls an admin endpoint, then 403 FORBIDDEN', async () => {
    const me = await signedUpCustomer(h.api);
    const res = await h.api.get<{ code: string }>('/api/v1/customers', { token: me.accessToken });
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal('FORBIDDEN');
    expect((await h.api.get(`/api/v1/customers/${me.id}`, { token: me.accessToken })).status).to.equal(403);
  });

  it('when searching by q, email and status, then only matches come back, newest first, page by page', async () => {
    const admin = await h.adminToken();
    const a = await signedUpCustomer(h.api);
    const b = await signedUpCustomer(h.api);
    const c = await signedUpCustomer(h.api);
    await h.api.patch(`/api/v1/customers/me`, { name: 'Zelda Quux' }, { token: b.accessToken });

    const byName = await h.api.get<ListBody>('/api/v1/customers?q=quux', { token: admin.accessToken });
    expect(byName.body.items.map((x) => x.id)).to.deep.equal([b.id]);

    const byEmail = await h.api.get<ListBody>(`/api/v1/customers?email=${encodeURIComponent(c.email.toUpperCase())}`, { token: admin.accessToken });
    expect(byEmail.body.items.map((x) => x.id)).to.deep.equal([c.id]);

    const wildcard = await h.api.get<ListBody>('/api/v1/customers?q=%25', { token: admin.accessToken });
    expect(wildcard.body.items).to.deep.equal([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?status=active&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await h.api.get<ListBody>(`/api/v1/customers${query}`, { token: admin.accessToken });
      expect(page.status).to.equal(200);
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal([c.id, b.id, a.id, admin.id]);
  });

  it('when the cursor is tampered with, then 400', async () => {
    const admin = await h.adminToken();
    const res = await h.api.get<{ code: string }>('/api/v1/customers?cursor=bm9wZQ', { token: admin.accessToken });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('INVALID_CURSOR');
  });

  it('when reading one customer, then 200 with an ETag and 304 when unchanged; unknown id 404; malformed id 400', async () => {
    const admin = await h.adminToken();
    const me = await signedUpCustomer(h.api);
    const res = await h.api.get<CustomerBody>(`/api/v1/customers/${me.id}`, { token: admin.accessToken });
    expect(res.status).to.equal(200);
    expect(res.body.email).to.equal(me.email);
    const cached = await h.api.get(`/api/v1/customers/${me.id}`, { token: admin.accessToken, headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(cached.status).to.equal(304);
    const missing = await h.api.get<{ code: string }>('/api/v1/customers/00000000-0000-4000-8000-000000000000', { token: admin.accessToken });
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('CUSTOMER_NOT_FOUND');
    expect((await h.api.get('/api/v1/customers/12', { token: admin.accessToken })).status).to.equal(400);
  });

  it('when patching with a current If-Match, then 200; with a stale one, then 412 and nothing changes', async () => {
    const admin = await h.adminToken();
    const me = await signedUpCustomer(h.api);
    const read = await h.api.get(`/api/v1/customers/${me.id}`, { token: admin.accessToken });
    const etag = read.headers.get('etag')!;
    const promoted = await h.api.patch<CustomerBody>(`/api/v1/customers/${me.id}`, { role: 'admin' }, { token: admin.accessToken, headers: { 'if-match': etag } });
    expect(promoted.status).to.equal(200);
    expect(promoted.body.role).to.equal('admin');
    expect(promoted.headers.get('etag')).not.to.equal(etag);

    const stale = await h.api.patch<{ code: string }>(`/api/v1/customers/${me.id}`, { status: 'suspended' }, { token: admin.accessToken, headers: { 'if-match': etag } });
    expect(stale.status).to.equal(412);
    expect(stale.body.code).to.equal('PRECONDITION_FAILED');
    const now = await h.api.get<CustomerBody>(`/api/v1/customers/${me.id}`, { token: admin.accessToken });
    expect(now.body.status).to.equal('active');
  });

  it('when an admin suspends themselves, then 422 CANNOT_MODIFY_SELF', async () => {
    const admin = await h.adminToken();
    const res = await h.api.patch<{ code: string }>(`/api/v1/customers/${admin.id}`, { status: 'suspended' }, { token: admin.accessToken });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('CANNOT_MODIFY_SELF');
  });

  it('when the body sets anything but status or role, then 400', async () => {
    const admin = await h.adminToken();
    const me = await signedUpCustomer(h.api);
    expect((await h.api.patch(`/api/v1/customers/${me.id}`, { email: 'x@y.zz' }, { token: admin.accessToken })).status).to.equal(400);
    expect((await h.api.patch(`/api/v1/customers/${me.id}`, { status: 'banned' }, { token: admin.accessToken })).status).to.equal(400);
  });
});
