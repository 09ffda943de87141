import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { useCartService, type Harness } from '../support/harness.js';
import { customerWithCart, type CartBody } from '../support/fixtures.js';

interface Snapshot {
  name: string;
  price_cents: number;
  status: string;
  available: number;
}

const snapshot = async (h: Harness, productId: string) =>
  (await h.db.query<Snapshot>('select name, price_cents, status, available from product_snapshots where product_id = $1', [productId])).rows[0];

const productData = (productId: string, changes: Partial<{ name: string; priceCents: number; status: string; available: number }> = {}) => ({
  productId,
  sku: `SKU-${productId.slice(0, 8)}`,
  name: 'Desk Lamp',
  priceCents: 4900,
  currency: 'USD',
  categoryId: null,
  status: 'active',
  available: 7,
  ...changes,
});

describe('read models fed by the bus (products, addresses)', () => {
  const h = useCartService();

  it('when the catalog creates, reprices and archives a product, then the cart sees each: priced at the new price, then unavailable', async () => {
    const productId = randomUUID();
    const { token, cart } = await customerWithCart(h);
    const add = () => h.api.post<CartBody & { code: string }>(`/api/v1/carts/${cart.id}/items`, { productId, quantity: 1 }, { token });
    expect((await add()).body.code).to.equal('PRODUCT_UNAVAILABLE');

    await h.publish('catalog.product.created', productData(productId));
    await eventually(async () => expect(await snapshot(h, productId)).to.deep.equal({ name: 'Desk Lamp', price_cents: 4900, status: 'active', available: 7 }));

    await h.publish('catalog.product.updated', productData(productId, { priceCents: 3900 }));
    await eventually(async () => expect((await snapshot(h, productId))!.price_cents).to.equal(3900));
    const added = await add();
    expect(added.status).to.equal(201);
    expect(added.body.items[0]!.unitPriceCents).to.equal(3900);

    await h.publish('catalog.product.archived', productData(productId, { priceCents: 3900, status: 'archived' }));
    await eventually(async () => expect((await snapshot(h, productId))!.status).to.equal('archived'));
    expect((await add()).body.code).to.equal('PRODUCT_UNAVAILABLE');
  });

  it('when an older event arrives after a newer one, then it is ignored: the model never rolls back (facts and stock each by their own time)', async () => {
    const productId = randomUUID();
    const t = Date.now();
    await h.publish('catalog.product.updated', productData(productId, { name: 'New name', priceCents: 2000, available: 5 }), new Date(t));
    await eventually(async () => expect((await snapshot(h, productId))?.name).to.equal('New name'));
    // A newer stock figure, then older facts and an older stock figure, delivered late (handled in any order).
    const sent = [
      await h.publish('catalog.stock.changed', { productId, available: 3, onHand: 4, reserved: 1 }, new Date(t + 1_000)),
      await h.publish('catalog.product.created', productData(productId, { name: 'Old name', priceCents: 1000, available: 9 }), new Date(t - 60_000)),
      await h.publish('catalog.stock.changed', { productId, available: 1, onHand: 1, reserved: 0 }, new Date(t - 30_000)),
    ];
    // Once the inbox holds all three, every one of them was handled.
    await eventually(async () => {
      const { rows } = await h.db.query('select count(*)::int as n from inbox where message_id = any($1::uuid[])', [sent.map((e) => e.messageId)]);
      expect(rows[0].n).to.equal(3);
    });
    expect(await snapshot(h, productId)).to.deep.equal({ name: 'New name', price_cents: 2000, status: 'active', available: 3 });
  });

  it('when a stock change arrives before the product itself, then the product is unknown (unavailable) until its facts arrive, and keeps the newer stock', async () => {
    const productId = randomUUID();
    const t = Date.now();
    await h.publish('catalog.stock.changed', { productId, available: 2, onHand: 2, reserved: 0 }, new Date(t));
    await eventually(async () => expect((await snapshot(h, productId))?.status).to.equal('unknown'));
    await h.publish('catalog.product.created', productData(productId, { available: 10 }), new Date(t - 1_000));
    await eventually(async () => expect((await snapshot(h, productId))?.status).to.equal('active'));
    expect((await snapshot(h, productId))!.available).to.equal(2);
  });

  it('when the same event is delivered twice, then it is applied once (inbox)', async () => {
    const productId = randomUUID();
    const envelope = await h.publish('catalog.product.created', productData(productId));
    await h.bus.publish(envelope);
    await eventually(async () => {
      const { rows } = await h.db.query('select count(*)::int as n from inbox where message_id = $1', [envelope.messageId]);
      expect(rows[0].n).to.equal(1);
    });
    expect((await snapshot(h, productId))!.status).to.equal('active');
  });

  it('when the customer adds, updates and removes an address, then the cart copies it, replaces it, and forgets it (a late "added" does not revive it)', async () => {
    const customerId = randomUUID();
    const addressId = randomUUID();
    const address = { customerId, addressId, line1: '1 Main St', line2: null, city: 'Springfield', postalCode: '12345', country: 'US' };
    const row = async () => (await h.db.query('select line1, city, removed from customer_addresses where address_id = $1', [addressId])).rows[0];
    const t = Date.now();
    await h.publish('customer.address.added', address, new Date(t));
    await eventually(async () => expect(await row()).to.deep.equal({ line1: '1 Main St', city: 'Springfield', removed: false }));
    await h.publish('customer.address.updated', { ...address, line1: '2 Side St', city: 'Shelbyville' }, new Date(t + 1));
    await eventually(async () => expect(await row()).to.deep.equal({ line1: '2 Side St', city: 'Shelbyville', removed: false }));
    await h.publish('customer.address.removed', { customerId, addressId }, new Date(t + 2));
    await eventually(async () => expect((await row())!.removed).to.equal(true));
    const late = await h.publish('customer.address.added', address, new Date(t + 3));
    await eventually(async () => expect((await h.db.query('select 1 from inbox where message_id = $1', [late.messageId])).rows).to.have.length(1));
    expect((await row())!.removed).to.equal(true);
  });
});
