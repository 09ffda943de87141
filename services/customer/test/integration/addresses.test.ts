import { expect } from 'chai';
import { useCustomerService } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';

const home = { line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const base = '/api/v1/customers/me/addresses';

interface AddressBody {
  id: string;
  line1: string;
  line2: string | null;
  city: string;
  country: string;
}

describe('addresses of the signed-in customer', () => {
  const h = useCustomerService();

  it('when adding, updating, listing and removing an address, then each step answers as documented', async () => {
    const me = await signedUpCustomer(h.api);
    const created = await h.api.post<AddressBody>(base, home, { token: me.accessToken });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ line1: '1 Main Street', line2: null, country: 'US' });
    expect(created.headers.get('location')).to.equal(`${base}/${created.body.id}`);

    const updated = await h.api.patch<AddressBody>(`${base}/${created.body.id}`, { line2: 'Apt 4', city: 'Shelbyville' }, { token: me.accessToken });
    expect(updated.status).to.equal(200);
    expect(updated.body).to.include({ line2: 'Apt 4', city: 'Shelbyville', line1: '1 Main Street' });

    const list = await h.api.get<{ items: AddressBody[]; nextCursor: string | null }>(base, { token: me.accessToken });
    expect(list.body.items.map((a) => a.id)).to.deep.equal([created.body.id]);
    expect(list.body.nextCursor).to.equal(null);

    expect((await h.api.delete(`${base}/${created.body.id}`, { token: me.accessToken })).status).to.equal(204);
    expect((await h.api.get<{ items: unknown[] }>(base, { token: me.accessToken })).body.items).to.deep.equal([]);
  });

  it("when touching another customer's address, then 404 ADDRESS_NOT_FOUND, not 403, and it is unchanged", async () => {
    const owner = await signedUpCustomer(h.api);
    const intruder = await signedUpCustomer(h.api);
    const { body } = await h.api.post<AddressBody>(base, home, { token: owner.accessToken });
    const patch = await h.api.patch<{ code: string }>(`${base}/${body.id}`, { city: 'Elsewhere' }, { token: intruder.accessToken });
    expect(patch.status).to.equal(404);
    expect(patch.body.code).to.equal('ADDRESS_NOT_FOUND');
    expect((await h.api.delete(`${base}/${body.id}`, { token: intruder.accessToken })).status).to.equal(404);
    const mine = await h.api.get<{ items: AddressBody[] }>(base, { token: owner.accessToken });
    expect(mine.body.items[0]!.city).to.equal('Springfield');
  });

  it('when the input is bad, then 400: bad country, unknown property, malformed id', async () => {
    const me = await signedUpCustomer(h.api);
    expect((await h.api.post(base, { ...home, country: 'usa' }, { token: me.accessToken })).status).to.equal(400);
    expect((await h.api.post(base, { ...home, notes: 'x' }, { token: me.accessToken })).status).to.equal(400);
    expect((await h.api.patch(`${base}/not-a-uuid`, { city: 'x' }, { token: me.accessToken })).status).to.equal(400);
  });

  it('when listing page by page, then every address comes once, oldest first', async () => {
    const me = await signedUpCustomer(h.api);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.api.post<AddressBody>(base, { ...home, line1: `${i} Main` }, { token: me.accessToken })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await h.api.get<{ items: AddressBody[]; nextCursor: string | null }>(base + query, { token: me.accessToken });
      expect(page.status).to.equal(200);
      seen.push(...page.body.items.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal(ids);
  });

  it('when 22 addresses are added at once, then exactly 20 are kept and 2 get 422 ADDRESS_LIMIT_REACHED', async () => {
    const me = await signedUpCustomer(h.api);
    const results = await Promise.all(Array.from({ length: 22 }, () => h.api.post<{ code?: string }>(base, home, { token: me.accessToken })));
    expect(results.filter((r) => r.status === 201)).to.have.length(20);
    const refused = results.filter((r) => r.status === 422);
    expect(refused.map((r) => r.body.code)).to.deep.equal(['ADDRESS_LIMIT_REACHED', 'ADDRESS_LIMIT_REACHED']);
    const stored = await h.db.query('select count(*)::int as n from addresses where customer_id = $1', [me.id]);
    expect(stored.rows[0].n).to.equal(20);
  });
});
