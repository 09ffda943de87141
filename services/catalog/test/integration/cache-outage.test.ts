import { expect } from 'chai';
import { useCatalogService } from '../support/harness.js';
import { counterValue, newProduct, type ProductBody } from '../support/catalog-fixtures.js';

/** Port 1 (tcpmux): nothing listens there on a development machine or in CI, and connecting is refused at once. */
const NOWHERE = 'redis://127.0.0.1:1/1';

describe('cache outage: the service runs with a REDIS_URL where nothing listens', () => {
  const h = useCatalogService({ REDIS_URL: NOWHERE });

  it('when Redis is down, then products, listings and categories are still served from the database, and the failures are counted', async () => {
    const errorsBefore = await counterValue(h, 'cache_requests_total', { entity: 'product', result: 'error' });
    const product = await newProduct(h, { name: 'Served anyway', initialStock: 2 });
    const read = await h.api.get<ProductBody>(`/api/v1/products/${product.id}`);
    expect(read.status).to.equal(200);
    expect(read.body).to.include({ name: 'Served anyway', available: 2 });
    expect((await h.api.get(`/api/v1/products/${product.id}`, { headers: { 'if-none-match': read.headers.get('etag')! } })).status).to.equal(304);

    const patched = await h.api.patch(`/api/v1/products/${product.id}`, { name: 'Still served' }, { token: h.adminToken() });
    expect(patched.status).to.equal(200);
    expect((await h.api.get<ProductBody>(`/api/v1/products/${product.id}`)).body.name).to.equal('Still served');

    const list = await h.api.get<{ items: ProductBody[] }>('/api/v1/products?q=served');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((p) => p.id)).to.deep.equal([product.id]);
    expect((await h.api.get('/api/v1/categories')).status).to.equal(200);

    expect(await counterValue(h, 'cache_requests_total', { entity: 'product', result: 'error' })).to.equal(errorsBefore + 3);
    expect(await counterValue(h, 'cache_requests_total', { entity: 'products', result: 'error' })).to.be.greaterThan(0);
    expect(await counterValue(h, 'cache_requests_total', { entity: 'categories', result: 'error' })).to.be.greaterThan(0);
    expect((await h.api.get('/health/ready')).status).to.equal(200);
  });
});

