import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { useCatalogService } from '../support/harness.js';
import { useStockBus } from '../support/stock-bus.js';

interface Inventory {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
}
interface Movement {
  id: string;
  productId: string;
  kind: string;
  deltaOnHand: number;
  deltaReserved: number;
  onHandAfter: number;
  reservedAfter: number;
  reason: string | null;
  orderId: string | null;
  actor: string;
  createdAt: string;
}
interface Problem {
  code: string;
  status: number;
}

describe('inventory: /api/v1/products/{productId}/inventory', () => {
  const h = useCatalogService();
  const bus = useStockBus(() => h.config.AMQP_URL);

  const product = async (initialStock: number, token = h.adminToken()) => {
    const res = await h.api.post<{ id: string }>(
      '/api/v1/products',
      { sku: `inv-${randomUUID().slice(0, 8)}`, name: 'Inventory item', description: '', priceCents: 990, initialStock },
      { token },
    );
    expect(res.status).to.equal(201);
    return res.body.id;
  };
  const path = (productId: string) => `/api/v1/products/${productId}/inventory`;
  const adjust = (productId: string, body: unknown, token = h.adminToken()) => h.api.post<Movement & Problem>(`${path(productId)}/adjustments`, body, { token });
  const reserve = async (productId: string, quantity: number) => {
    const orderId = randomUUID();
    await bus.send('catalog.reserve-stock', { orderId, items: [{ productId, quantity }], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await eventually(() => expect(bus.eventsOf(orderId).map((e) => e.type)).to.include('catalog.stock.reserved'));
    return orderId;
  };

  it('when an admin reads a product\'s inventory, then onHand, reserved and available', async () => {
    const productId = await product(12);
    const res = await h.api.get<Inventory>(path(productId), { token: h.adminToken() });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ productId, onHand: 12, reserved: 0, available: 12 });
  });

  it('when the product is unknown, then 404 PRODUCT_NOT_FOUND on every inventory endpoint', async () => {
    const token = h.adminToken();
    const unknown = randomUUID();
    for (const res of [
      await h.api.get<Problem>(path(unknown), { token }),
      await adjust(unknown, { delta: 1, reason: 'x' }, token),
      await h.api.get<Problem>(`${path(unknown)}/adjustments`, { token }),
    ]) {
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('PRODUCT_NOT_FOUND');
    }
  });

  it('when the caller is not an admin, then 401 without a token and 403 for a customer', async () => {
    const productId = await product(1);
    expect((await h.api.get(path(productId))).status).to.equal(401);
    expect((await h.api.get(path(productId), { token: h.customerToken() })).status).to.equal(403);
    expect((await adjust(productId, { delta: 1, reason: 'x' }, h.customerToken())).status).to.equal(403);
    expect((await h.api.get(`${path(productId)}/adjustments`, { token: h.customerToken() })).status).to.equal(403);
  });

  it('when an admin adjusts stock, then 201 with the movement (reason, the admin as actor), the levels change and the product page shows it at once', async () => {
    const productId = await product(10);
    expect((await h.api.get<{ available: number }>(`/api/v1/products/${productId}`)).body.available).to.equal(10); // now cached
    const token = h.adminToken();
    const res = await adjust(productId, { delta: 5, reason: 'Delivery PO-1' }, token);
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ productId, kind: 'adjustment', deltaOnHand: 5, deltaReserved: 0, onHandAfter: 15, reservedAfter: 0, reason: 'Delivery PO-1', orderId: null, actor: h.lastAdminId() });
    expect((await h.api.get<Inventory>(path(productId), { token })).body).to.deep.equal({ productId, onHand: 15, reserved: 0, available: 15 });
    expect((await h.api.get<{ available: number }>(`/api/v1/products/${productId}`)).body.available).to.equal(15);
    await eventually(() =>
      expect(bus.eventsOf(productId).map((e) => e.data)).to.deep.include({ productId, available: 15, onHand: 15, reserved: 0 }),
    );
  });

  it('when an adjustment would take onHand below what is reserved, then 409 INSUFFICIENT_STOCK and nothing changes', async () => {
    const productId = await product(10);
    await reserve(productId, 4);
    const token = h.adminToken();
    const res = await adjust(productId, { delta: -7, reason: 'stock-take' }, token);
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('INSUFFICIENT_STOCK');
    expect((await h.api.get<Inventory>(path(productId), { token })).body).to.deep.equal({ productId, onHand: 10, reserved: 4, available: 6 });
    expect((await adjust(productId, { delta: -6, reason: 'stock-take' }, token)).status, 'down to exactly what is reserved is fine').to.equal(201);
  });

  it('when the adjustment breaks the contract (delta 0, out of range, not an integer, no reason), then 400', async () => {
    const productId = await product(10);
    for (const body of [
      { delta: 0, reason: 'x' },
      { delta: 1_000_001, reason: 'x' },
      { delta: -1_000_001, reason: 'x' },
      { delta: 1.5, reason: 'x' },
      { delta: 1 },
      { delta: 1, reason: '' },
      { delta: 1, reason: 'x'.repeat(201) },
      { delta: 1, reason: 'x', extra: true },
    ]) {
      const res = await adjust(productId, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
    expect((await h.api.get<Inventory>(path(productId), { token: h.adminToken() })).body.onHand).to.equal(10);
  });

  it('when stock went through every kind of change, then the audit trail lists them all, newest first, and its pages walk it without gaps or repeats', async () => {
    const productId = await product(10);
    const committedOrder = await reserve(productId, 3);
    await bus.send('catalog.commit-stock', { orderId: committedOrder });
    await eventually(() => expect(bus.eventsOf(committedOrder).map((e) => e.type)).to.include('catalog.stock.committed'));
    await bus.send('catalog.restock', { orderId: committedOrder, reason: 'returned' });
    await eventually(() => expect(bus.eventsOf(committedOrder).map((e) => e.type)).to.include('catalog.stock.restocked'));
    const releasedOrder = await reserve(productId, 2);
    await bus.send('catalog.release-stock', { orderId: releasedOrder, reason: 'PAYMENT_DECLINED' });
    await eventually(() => expect(bus.eventsOf(releasedOrder).map((e) => e.type)).to.include('catalog.stock.released'));
    const token = h.adminToken();
    await adjust(productId, { delta: -1, reason: 'broken' }, token);

    const all = await h.api.get<{ items: Movement[]; nextCursor: string | null }>(`${path(productId)}/adjustments?limit=100`, { token });
    expect(all.status).to.equal(200);
    expect(all.body.nextCursor).to.equal(null);
    expect(all.body.items.map((m) => [m.kind, m.deltaOnHand, m.deltaReserved, m.orderId])).to.deep.equal([
      ['adjustment', -1, 0, null],
      ['release', 0, -2, releasedOrder],
      ['reservation', 0, 2, releasedOrder],
      ['restock', 3, 0, committedOrder],
      ['commit', -3, -3, committedOrder],
      ['reservation', 0, 3, committedOrder],
      ['initial', 10, 0, null],
    ]);
    expect(all.body.items[0]).to.include({ actor: h.lastAdminId(), reason: 'broken', onHandAfter: 9, reservedAfter: 0 });
    expect(all.body.items.slice(1).every((m) => m.actor === 'system' || m.kind === 'initial')).to.equal(true);
    const sum = all.body.items.reduce((acc, m) => ({ onHand: acc.onHand + m.deltaOnHand, reserved: acc.reserved + m.deltaReserved }), { onHand: 0, reserved: 0 });
    expect(sum).to.deep.equal({ onHand: 9, reserved: 0 });

    const walked: Movement[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Movement[]; nextCursor: string | null } } = await h.api.get(
        `${path(productId)}/adjustments?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(page.status).to.equal(200);
      expect(page.body.items.length).to.be.at.most(2);
      walked.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked.map((m) => m.id)).to.deep.equal(all.body.items.map((m) => m.id));
  });

  it('when the cursor is tampered with, then 400', async () => {
    const productId = await product(1);
    const res = await h.api.get<Problem>(`${path(productId)}/adjustments?cursor=bm9wZQ`, { token: h.adminToken() });
    expect(res.status).to.equal(400);
  });
});
