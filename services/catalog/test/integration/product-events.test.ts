import { expect } from 'chai';
import amqp from 'amqplib';
import { eventually } from '@commerce/shared/testing';
import { useCatalogService } from '../support/harness.js';
import { newCategory, newProduct } from '../support/catalog-fixtures.js';

interface Envelope {
  type: string;
  traceId: string;
  data: Record<string, unknown>;
}

describe('product events on the bus', () => {
  const h = useCatalogService();
  let connection: amqp.ChannelModel;
  const received: Envelope[] = [];

  before(async () => {
    connection = await amqp.connect(h.config.AMQP_URL, { noDelay: true });
    const channel = await connection.createChannel();
    await channel.assertExchange('commerce.events', 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, 'commerce.events', 'catalog.product.*');
    await channel.consume(queue, (msg) => msg && received.push(JSON.parse(msg.content.toString()) as Envelope), { noAck: true });
  });
  after(async () => {
    await connection?.close();
  });
  afterEach(() => {
    received.length = 0;
  });

  it('when a product is created, repriced and archived, then created, updated and archived are published with its data', async () => {
    const categoryId = await newCategory(h, 'Evented');
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const product = await newProduct(h, { name: 'Lamp', priceCents: 4900, categoryId, initialStock: 7 });
    const token = h.adminToken();
    await h.api.patch(`/api/v1/products/${product.id}`, { priceCents: 3900 }, { token, headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    await h.api.delete(`/api/v1/products/${product.id}`, { token });
    await h.api.delete(`/api/v1/products/${product.id}`, { token }); // idempotent: no second event

    const mine = await eventually(() => {
      const events = received.filter((e) => e.data.productId === product.id);
      expect(events.map((e) => e.type)).to.deep.equal(['catalog.product.created', 'catalog.product.updated', 'catalog.product.archived']);
      return events;
    });
    const base = { productId: product.id, sku: product.sku, name: 'Lamp', currency: 'USD', categoryId, available: 7 };
    expect(mine[0]!.data).to.deep.equal({ ...base, priceCents: 4900, status: 'active' });
    expect(mine[1]!.data).to.deep.equal({ ...base, priceCents: 3900, status: 'active' });
    expect(mine[1]!.traceId).to.equal(traceId);
    expect(mine[2]!.data).to.deep.equal({ ...base, priceCents: 3900, status: 'archived' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.filter((e) => e.data.productId === product.id)).to.have.length(3);
  });

  it('when a bulk import creates and updates, then one created or updated event per changed product', async () => {
    const existing = await newProduct(h, { sku: 'EVT-1', name: 'Before' });
    const res = await h.api.post('/api/v1/products/bulk', {
      items: [
        { sku: 'EVT-1', name: 'After', description: '', priceCents: 1 },
        { sku: 'EVT-2', name: 'Fresh', description: '', priceCents: 2, initialStock: 3 },
      ],
    }, { token: h.adminToken() });
    expect(res.status).to.equal(200);
    await eventually(() => {
      const types = received.filter((e) => ['EVT-1', 'EVT-2'].includes(String(e.data.sku))).map((e) => `${e.type}:${String(e.data.sku)}:${String(e.data.name)}`);
      expect(types).to.have.members(['catalog.product.created:EVT-1:Before', 'catalog.product.updated:EVT-1:After', 'catalog.product.created:EVT-2:Fresh']);
    });
    expect(existing.id).to.be.a('string');
  });
});
