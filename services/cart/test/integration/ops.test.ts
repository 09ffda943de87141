import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ApiClient, eventually } from '@commerce/shared/testing';
import { startCartService } from '../../src/service.js';
import { testKeyResolver, useCartService } from '../support/harness.js';

describe('cart operations: readiness, metrics, contract, catching up after downtime', () => {
  const h = useCartService();

  it('when asked, then live and ready are 200, /openapi.json is the cart contract, /metrics has the cart counters', async () => {
    expect((await h.api.get('/health/live')).status).to.equal(200);
    expect((await h.api.get('/health/ready')).status).to.equal(200);
    const spec = await h.api.get<{ info: { title: string }; paths: Record<string, unknown> }>('/openapi.json');
    expect(spec.body.info.title).to.equal('Cart service API');
    expect(Object.keys(spec.body.paths)).to.include('/api/v1/carts/{cartId}/checkout');
    const metrics = (await h.api.get<string>('/metrics')).body;
    for (const name of ['carts_created_total', 'carts_converted_total', 'carts_abandoned_total']) expect(metrics).to.contain(`# TYPE ${name} counter`);
  });

  it('when the service was down while the catalog published, then the durable queue brings the events once it is back', async () => {
    await h.service.close();
    const productId = randomUUID();
    await h.publish('catalog.product.created', {
      productId, sku: 'LATE-1', name: 'Published while down', priceCents: 100, currency: 'USD', categoryId: null, status: 'active', available: 1,
    });
    h.service = await startCartService(h.config, { port: 0, keyResolver: testKeyResolver });
    h.api = new ApiClient(h.service.url);
    await eventually(async () => {
      const { rows } = await h.db.query('select name from product_snapshots where product_id = $1', [productId]);
      expect(rows).to.deep.equal([{ name: 'Published while down' }]);
    }, { timeoutMs: 15_000 });
  });
});
