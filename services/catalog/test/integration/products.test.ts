import { expect } from 'chai';
import { useCatalogService } from '../support/harness.js';
import { counterValue, newCategory, newProduct, uniqueSku, type ProductBody } from '../support/catalog-fixtures.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('products: create, read, change, archive', () => {
  const h = useCatalogService();

  it('when an admin creates a product with initial stock, then 201 with Location and ETag, the inventory row and an initial movement', async () => {
    const categoryId = await newCategory(h, 'Kitchen');
    const sku = uniqueSku('MUG');
    const res = await h.api.post<ProductBody>(
      '/api/v1/products',
      { sku, name: '  Ceramic Mug ', description: 'Holds coffee', priceCents: 1299, categoryId, initialStock: 25 },
      { token: h.adminToken() },
    );
    expect(res.status).to.equal(201);
    expect(res.headers.get('location')).to.equal(`/api/v1/products/${res.body.id}`);
    expect(res.headers.get('etag')).to.match(/^".+"$/);
    expect(res.body).to.include({ sku, name: 'Ceramic Mug', priceCents: 1299, currency: 'USD', categoryId, status: 'active', available: 25 });

    const inventory = await h.db.query('select on_hand, reserved from inventory where product_id = $1', [res.body.id]);
    expect(inventory.rows).to.deep.equal([{ on_hand: 25, reserved: 0 }]);
    const movements = await h.db.query('select kind, delta_on_hand, on_hand_after, actor from stock_movements where product_id = $1', [res.body.id]);
    expect(movements.rows).to.deep.equal([{ kind: 'initial', delta_on_hand: 25, on_hand_after: 25, actor: h.lastAdminId() }]);
  });

  it('when created without initial stock or category, then available is 0, categoryId null, and no movement', async () => {
    const product = await newProduct(h);
    expect(product).to.include({ available: 0, categoryId: null });
    const movements = await h.db.query('select count(*)::int as n from stock_movements where product_id = $1', [product.id]);
    expect(movements.rows[0].n).to.equal(0);
    const inventory = await h.db.query('select on_hand from inventory where product_id = $1', [product.id]);
    expect(inventory.rows).to.deep.equal([{ on_hand: 0 }]);
  });

  it('when the SKU is taken, then 409 SKU_TAKEN; when ten creates of one SKU race, then one 201 and nine 409', async () => {
    const token = h.adminToken();
    const first = await newProduct(h);
    const again = await h.api.post<{ code: string }>('/api/v1/products', { sku: first.sku, name: 'Dup', description: '', priceCents: 1 }, { token });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('SKU_TAKEN');

    const sku = uniqueSku('RACE');
    const race = await Promise.all(Array.from({ length: 10 }, (_, i) => h.api.post<{ code?: string }>('/api/v1/products', { sku, name: `Racer ${i}`, description: '', priceCents: 100, initialStock: 5 }, { token })));
    expect(race.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    expect(race.filter((r) => r.status === 409).every((r) => r.body.code === 'SKU_TAKEN')).to.equal(true);
    const rows = await h.db.query('select count(*)::int as n from products where sku = $1', [sku]);
    expect(rows.rows[0].n).to.equal(1);
    const stock = await h.db.query('select count(*)::int as n from inventory i join products p on p.id = i.product_id where p.sku = $1', [sku]);
    expect(stock.rows[0].n).to.equal(1);
  });

  it('when the category does not exist, then 422 CATEGORY_NOT_FOUND and nothing is written', async () => {
    const sku = uniqueSku();
    const res = await h.api.post<{ code: string }>('/api/v1/products', { sku, name: 'X', description: '', priceCents: 1, categoryId: UNKNOWN }, { token: h.adminToken() });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('CATEGORY_NOT_FOUND');
    expect((await h.db.query('select 1 from products where sku = $1', [sku])).rowCount).to.equal(0);
  });

  it('when the body breaks the contract, then 400; a customer gets 403 and nobody 401', async () => {
    const token = h.adminToken();
    const valid = { sku: uniqueSku(), name: 'X', description: '', priceCents: 1 };
    for (const body of [
      { ...valid, sku: 'has space' },
      { ...valid, priceCents: -1 },
      { ...valid, priceCents: 1.5 },
      { ...valid, initialStock: 1_000_001 },
      { ...valid, name: '' },
      { ...valid, currency: 'EUR' },
    ]) {
      expect((await h.api.post('/api/v1/products', body, { token })).status, JSON.stringify(body)).to.equal(400);
    }
    expect((await h.api.post('/api/v1/products', valid, { token: h.customerToken() })).status).to.equal(403);
    expect((await h.api.post('/api/v1/products', valid)).status).to.equal(401);
  });

  it('when reading a product, then 200 with ETag and Cache-Control; If-None-Match gives 304; unknown 404; malformed id 400', async () => {
    const product = await newProduct(h, { initialStock: 3 });
    const res = await h.api.get<ProductBody>(`/api/v1/products/${product.id}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal(product);
    expect(res.headers.get('cache-control')).to.equal('public, max-age=30');
    const etag = res.headers.get('etag')!;
    const notModified = await h.api.get(`/api/v1/products/${product.id}`, { headers: { 'if-none-match': etag } });
    expect(notModified.status).to.equal(304);
    expect(notModified.headers.get('etag')).to.equal(etag);
    expect((await h.api.get(`/api/v1/products/${product.id}`, { headers: { 'if-none-match': '"other"' } })).status).to.equal(200);

    const missing = await h.api.get<{ code: string }>(`/api/v1/products/${UNKNOWN}`);
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('PRODUCT_NOT_FOUND');
    expect((await h.api.get('/api/v1/products/nope')).status).to.equal(400);
  });

  it('when a product was read (and so cached), then a PATCH is visible on the very next read, and the read after is a cache hit', async () => {
    const product = await newProduct(h, { name: 'Old name', priceCents: 500 });
    const before = await h.api.get<ProductBody>(`/api/v1/products/${product.id}`);
    expect(before.body.name).to.equal('Old name');
    expect(await h.redis.exists(`catalog:product:${product.id}`)).to.equal(1);

    const patched = await h.api.patch<ProductBody>(`/api/v1/products/${product.id}`, { name: 'New name', priceCents: 650 }, { token: h.adminToken() });
    expect(patched.status).to.equal(200);
    const after = await h.api.get<ProductBody>(`/api/v1/products/${product.id}`);
    expect(after.body).to.include({ name: 'New name', priceCents: 650 });
    expect(after.headers.get('etag')).to.equal(patched.headers.get('etag'));
    expect(after.headers.get('etag')).not.to.equal(before.headers.get('etag'));

    const hits = await counterValue(h, 'cache_requests_total', { entity: 'product', result: 'hit' });
    await h.api.get(`/api/v1/products/${product.id}`);
    expect(await counterValue(h, 'cache_requests_total', { entity: 'product', result: 'hit' })).to.equal(hits + 1);
    expect(await counterValue(h, 'cache_requests_total', { entity: 'product', result: 'miss' })).to.be.greaterThan(0);
  });

  it('when a listing was cached, then a new product and a PATCH show in the next listing', async () => {
    const a = await newProduct(h, { name: 'Alpha' });
    const first = await h.api.get<{ items: ProductBody[] }>('/api/v1/products');
    expect(first.body.items.map((p) => p.id)).to.deep.equal([a.id]);
    const b = await newProduct(h, { name: 'Beta' });
    await h.api.patch(`/api/v1/products/${a.id}`, { name: 'Alpha 2' }, { token: h.adminToken() });
    const second = await h.api.get<{ items: ProductBody[] }>('/api/v1/products');
    expect(second.body.items.map((p) => [p.id, p.name])).to.deep.equal([
      [b.id, 'Beta'],
      [a.id, 'Alpha 2'],
    ]);
  });

  it('when patching with the current If-Match, then 200 and a new ETag; with a stale one, then 412 and nothing changes', async () => {
    const token = h.adminToken();
    const product = await newProduct(h, { priceCents: 100 });
    const etag = (await h.api.get(`/api/v1/products/${product.id}`)).headers.get('etag')!;
    const ok = await h.api.patch<ProductBody>(`/api/v1/products/${product.id}`, { priceCents: 200 }, { token, headers: { 'if-match': etag } });
    expect(ok.status).to.equal(200);
    expect(ok.body.priceCents).to.equal(200);
    expect(new Date(ok.body.updatedAt).getTime()).to.be.greaterThanOrEqual(new Date(product.updatedAt).getTime());

    const stale = await h.api.patch<{ code: string }>(`/api/v1/products/${product.id}`, { priceCents: 300 }, { token, headers: { 'if-match': etag } });
    expect(stale.status).to.equal(412);
    expect(stale.body.code).to.equal('PRECONDITION_FAILED');
    expect((await h.api.get<ProductBody>(`/api/v1/products/${product.id}`)).body.priceCents).to.equal(200);
  });

  it('when two admins PATCH with the same current If-Match at once, then one wins and the other gets 412', async () => {
    const product = await newProduct(h, { priceCents: 100 });
    const etag = (await h.api.get(`/api/v1/products/${product.id}`)).headers.get('etag')!;
    const [a, b] = await Promise.all(
      [111, 222].map((priceCents) => h.api.patch<ProductBody>(`/api/v1/products/${product.id}`, { priceCents }, { token: h.adminToken(), headers: { 'if-match': etag } })),
    );
    expect([a!.status, b!.status].sort()).to.deep.equal([200, 412]);
    const winner = a!.status === 200 ? a! : b!;
    expect((await h.api.get<ProductBody>(`/api/v1/products/${product.id}`)).body.priceCents).to.equal(winner.body.priceCents);
  });

  it('when patching: unknown 404, empty body 400, unknown category 422, null category removes it, sku 400', async () => {
    const token = h.adminToken();
    const categoryId = await newCategory(h, 'Garden');
    const product = await newProduct(h, { categoryId });
    expect((await h.api.patch(`/api/v1/products/${UNKNOWN}`, { name: 'X' }, { token })).status).to.equal(404);
    expect((await h.api.patch(`/api/v1/products/${product.id}`, {}, { token })).status).to.equal(400);
    expect((await h.api.patch(`/api/v1/products/${product.id}`, { sku: 'NEW' }, { token })).status).to.equal(400);
    const badCategory = await h.api.patch<{ code: string }>(`/api/v1/products/${product.id}`, { categoryId: UNKNOWN }, { token });
    expect(badCategory.status).to.equal(422);
    expect(badCategory.body.code).to.equal('CATEGORY_NOT_FOUND');
    const cleared = await h.api.patch<ProductBody>(`/api/v1/products/${product.id}`, { categoryId: null }, { token });
    expect(cleared.body.categoryId).to.equal(null);
  });

  it('when a product is archived, then 204 (again 204), it is 404 publicly, never listed, and a PATCH is 409 PRODUCT_ARCHIVED', async () => {
    const token = h.adminToken();
    const kept = await newProduct(h, { name: 'Kept' });
    const gone = await newProduct(h, { name: 'Gone' });
    await h.api.get(`/api/v1/products/${gone.id}`); // fill the cache first
    await h.api.get('/api/v1/products');

    expect((await h.api.delete(`/api/v1/products/${gone.id}`, { token })).status).to.equal(204);
    expect((await h.api.delete(`/api/v1/products/${gone.id}`, { token })).status).to.equal(204);
    expect((await h.api.delete(`/api/v1/products/${UNKNOWN}`, { token })).status).to.equal(404);

    const read = await h.api.get<{ code: string }>(`/api/v1/products/${gone.id}`);
    expect(read.status).to.equal(404);
    expect(read.body.code).to.equal('PRODUCT_NOT_FOUND');
    for (const query of ['', '?q=gone', '?sort=name', '?inStock=false']) {
      const list = await h.api.get<{ items: ProductBody[] }>(`/api/v1/products${query}`);
      expect(list.body.items.map((p) => p.id), query).not.to.include(gone.id);
    }
    expect((await h.api.get<{ items: ProductBody[] }>('/api/v1/products')).body.items.map((p) => p.id)).to.deep.equal([kept.id]);

    const patch = await h.api.patch<{ code: string }>(`/api/v1/products/${gone.id}`, { name: 'Back' }, { token });
    expect(patch.status).to.equal(409);
    expect(patch.body.code).to.equal('PRODUCT_ARCHIVED');
    const row = await h.db.query('select status from products where id = $1', [gone.id]);
    expect(row.rows[0].status).to.equal('archived');
  });

  it('when a customer changes or archives a product, then 403', async () => {
    const product = await newProduct(h);
    const token = h.customerToken();
    expect((await h.api.patch(`/api/v1/products/${product.id}`, { name: 'X' }, { token })).status).to.equal(403);
    expect((await h.api.delete(`/api/v1/products/${product.id}`, { token })).status).to.equal(403);
  });
});
