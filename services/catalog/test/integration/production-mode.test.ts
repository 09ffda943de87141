import { expect } from 'chai';
import { useCatalogService } from '../support/harness.js';
import { newProduct, type ProductBody } from '../support/catalog-fixtures.js';

describe('cached reads in production mode (ready bytes, no re-serialisation)', () => {
  const h = useCatalogService({ NODE_ENV: 'production' });

  it('when a product and a listing are served from the cache, then the bytes are the same JSON with the same ETag', async () => {
    const product = await newProduct(h, { name: 'Bytes' });
    const miss = await h.api.get<ProductBody>(`/api/v1/products/${product.id}`);
    const hit = await h.api.get<ProductBody>(`/api/v1/products/${product.id}`);
    expect(hit.status).to.equal(200);
    expect(hit.headers.get('content-type')).to.match(/^application\/json/);
    expect(hit.body).to.deep.equal(miss.body);
    expect(hit.body).to.deep.equal(product);
    expect(hit.headers.get('etag')).to.equal(miss.headers.get('etag'));
    const list = await h.api.get<{ items: ProductBody[] }>('/api/v1/products');
    const listAgain = await h.api.get<{ items: ProductBody[] }>('/api/v1/products');
    expect(listAgain.body).to.deep.equal(list.body);
    expect(listAgain.body.items.map((p) => p.id)).to.deep.equal([product.id]);
  });
});
