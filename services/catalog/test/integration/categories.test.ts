import { expect } from 'chai';
import { useCatalogService } from '../support/harness.js';

interface CategoryBody {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
}
interface ListBody {
  items: CategoryBody[];
  nextCursor: string | null;
}

describe('categories: /api/v1/categories', () => {
  const h = useCatalogService();

  it('when an admin creates a category, then 201 with a Location, and it is listed', async () => {
    const res = await h.api.post<CategoryBody>('/api/v1/categories', { name: 'Kitchen', slug: 'kitchen' }, { token: h.adminToken() });
    expect(res.status).to.equal(201);
    expect(res.headers.get('location')).to.equal(`/api/v1/categories/${res.body.id}`);
    expect(res.body).to.include({ name: 'Kitchen', slug: 'kitchen' });
    const list = await h.api.get<ListBody>('/api/v1/categories');
    expect(list.body.items.map((c) => c.id)).to.deep.equal([res.body.id]);
  });

  it('when the slug is taken, then 409 SLUG_TAKEN, also when ten creates race for it', async () => {
    const token = h.adminToken();
    expect((await h.api.post('/api/v1/categories', { name: 'Garden', slug: 'garden' }, { token })).status).to.equal(201);
    const again = await h.api.post<{ code: string }>('/api/v1/categories', { name: 'Other', slug: 'garden' }, { token });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('SLUG_TAKEN');

    const race = await Promise.all(Array.from({ length: 10 }, (_, i) => h.api.post<{ code?: string }>('/api/v1/categories', { name: `Race ${i}`, slug: 'race' }, { token })));
    expect(race.filter((r) => r.status === 201)).to.have.length(1);
    expect(race.filter((r) => r.status === 409 && r.body.code === 'SLUG_TAKEN')).to.have.length(9);
  });

  it('when the slug or name breaks the contract, then 400', async () => {
    const token = h.adminToken();
    for (const body of [{ name: 'X', slug: 'Upper' }, { name: 'X', slug: 'a--b' }, { name: '', slug: 'ok' }, { name: 'X', slug: 'ok', extra: 1 }]) {
      expect((await h.api.post('/api/v1/categories', body, { token })).status, JSON.stringify(body)).to.equal(400);
    }
  });

  it('when a customer or nobody creates a category, then 403 or 401', async () => {
    expect((await h.api.post('/api/v1/categories', { name: 'X', slug: 'x' }, { token: h.customerToken() })).status).to.equal(403);
    expect((await h.api.post('/api/v1/categories', { name: 'X', slug: 'x' })).status).to.equal(401);
  });

  it('when listing page by page, then ordered by name then id, every category once, and a new one shows at once', async () => {
    const token = h.adminToken();
    const names = ['Books', 'Audio', 'Toys', 'Garden', 'Clothing'];
    for (const [i, name] of names.entries()) await h.api.post('/api/v1/categories', { name, slug: `c-${i}` }, { token });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: ListBody } = await h.api.get<ListBody>(`/api/v1/categories?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.body.items.map((c) => c.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal([...names].sort());

    await h.api.post('/api/v1/categories', { name: 'Aardvarks', slug: 'aardvarks' }, { token });
    const first = await h.api.get<ListBody>('/api/v1/categories?limit=2');
    expect(first.body.items[0]!.name).to.equal('Aardvarks');
  });
});
