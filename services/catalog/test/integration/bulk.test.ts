import { expect } from 'chai';
import { useCatalogService } from '../support/harness.js';
import { newCategory, newProduct, uniqueSku, walk } from '../support/catalog-fixtures.js';

interface BulkBody {
  items: { sku: string; productId: string; result: 'created' | 'updated' }[];
}
interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
interface Item {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  categoryId?: string;
  initialStock?: number;
}
const item = (i: number, extra: Partial<Item> = {}): Item => ({ sku: `BULK-${String(i).padStart(4, '0')}`, name: `Bulk item ${i}`, description: `Number ${i}`, priceCents: 100 + i, ...extra });
const count = async (h: ReturnType<typeof useCatalogService>, table: string) => (await h.db.query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

describe('bulk upsert: POST /api/v1/products/bulk', () => {
  const h = useCatalogService();

  it('when 500 new items come, then 200 with one result per item in order, all created with their stock', async () => {
    const categoryId = await newCategory(h, 'Bulk');
    const items = Array.from({ length: 500 }, (_, i) => item(i, { categoryId, initialStock: i % 7 }));
    const res = await h.api.post<BulkBody>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).to.equal(200);
    expect(res.body.items.map((r) => r.sku)).to.deep.equal(items.map((i) => i.sku));
    expect(res.body.items.every((r) => r.result === 'created')).to.equal(true);
    expect(await count(h, 'products')).to.equal(500);
    expect(await count(h, 'inventory')).to.equal(500);
    const stocked = items.filter((i) => (i.initialStock ?? 0) > 0).length;
    expect(await count(h, 'stock_movements')).to.equal(stocked);
    const sum = await h.db.query('select sum(on_hand)::int as s from inventory');
    expect(sum.rows[0].s).to.equal(items.reduce((s, i) => s + (i.initialStock ?? 0), 0));
    expect(await walk(h, 'limit=100')).to.have.length(500);
  });

  it('when 501 items come, then 400 by the contract and nothing is written', async () => {
    const items = Array.from({ length: 501 }, (_, i) => item(i));
    const res = await h.api.post<Problem>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(res.status).to.equal(400);
    expect(await count(h, 'products')).to.equal(0);
    expect((await h.api.post('/api/v1/products/bulk', { items: [] }, { token: h.adminToken() })).status).to.equal(400);
  });

  it('when one item of 500 names an unknown category, then 422 BULK_REJECTED naming it, and nothing is written', async () => {
    const categoryId = await newCategory(h, 'Real');
    const items = Array.from({ length: 500 }, (_, i) => item(i, { categoryId, initialStock: 1 }));
    items[3] = item(3, { categoryId: UNKNOWN });
    const res = await h.api.post<Problem>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('BULK_REJECTED');
    expect(res.body.errors).to.deep.equal([{ path: '/body/items/3/categoryId', message: 'no category with this id' }]);
    for (const table of ['products', 'inventory', 'stock_movements', 'outbox']) expect(await count(h, table), table).to.equal(0);
  });

  it('when an item repeats a SKU of the request or names an archived product, then 422 naming each, nothing written', async () => {
    const archived = await newProduct(h);
    await h.api.delete(`/api/v1/products/${archived.id}`, { token: h.adminToken() });
    const items = [item(0), item(1), item(0, { name: 'again' }), { ...item(2), sku: archived.sku }];
    const res = await h.api.post<Problem>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(res.status).to.equal(422);
    expect(res.body.errors!.map((e) => e.path)).to.deep.equal(['/body/items/2/sku', '/body/items/3/sku']);
    expect(await count(h, 'products')).to.equal(1);
  });

  it('when SKUs exist, then they are updated (whole product, stock kept) and new ones created; the same import again changes nothing', async () => {
    const categoryId = await newCategory(h, 'Upsert');
    const existing = await newProduct(h, { sku: 'KEEP-1', name: 'Old', priceCents: 1, categoryId, initialStock: 9 });
    const items = [
      { sku: 'KEEP-1', name: 'New name', description: 'New text', priceCents: 2, initialStock: 500 },
      { sku: uniqueSku('NEW'), name: 'Brand new', description: '', priceCents: 3, initialStock: 4 },
    ];
    const res = await h.api.post<BulkBody>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(res.status).to.equal(200);
    expect(res.body.items.map((r) => r.result)).to.deep.equal(['updated', 'created']);
    expect(res.body.items[0]!.productId).to.equal(existing.id);

    const updated = (await h.api.get<Record<string, unknown>>(`/api/v1/products/${existing.id}`)).body;
    expect(updated).to.include({ name: 'New name', description: 'New text', priceCents: 2, categoryId: null, available: 9 });

    const outboxBefore = await count(h, 'outbox');
    const rowsBefore = (await h.db.query('select id, updated_at from products order by id')).rows;
    const again = await h.api.post<BulkBody>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(again.body.items.map((r) => r.result)).to.deep.equal(['updated', 'updated']);
    expect((await h.db.query('select id, updated_at from products order by id')).rows).to.deep.equal(rowsBefore);
    expect(await count(h, 'outbox')).to.equal(outboxBefore);
  });

  it('when two imports of the same new SKUs race, then both answer 200: one creates them, the other (retried) updates them', async () => {
    const token = h.adminToken();
    const items = Array.from({ length: 50 }, (_, i) => item(i, { initialStock: 2 }));
    const [a, b] = await Promise.all([0, 1].map(() => h.api.post<BulkBody>('/api/v1/products/bulk', { items }, { token })));
    expect([a!.status, b!.status]).to.deep.equal([200, 200]);
    const outcomes = [a!, b!].map((r) => [...new Set(r.body.items.map((x) => x.result))].join()).sort();
    expect(outcomes).to.deep.equal(['created', 'updated']);
    expect(await count(h, 'products')).to.equal(50);
    expect((await h.db.query('select sum(on_hand)::int as s from inventory')).rows[0].s).to.equal(100);
  });

  it('when six imports of overlapping new SKUs race, then all answer 200 (each retried as often as others commit its SKUs) and every product exists once', async () => {
    const token = h.adminToken();
    // Each import takes 12 of 20 SKUs, starting at another offset, so every pair overlaps differently.
    const imports = Array.from({ length: 6 }, (_, k) => Array.from({ length: 12 }, (_, i) => item((k * 3 + i) % 20, { initialStock: 1 })));
    const answers = await Promise.all(imports.map((items) => h.api.post<BulkBody>('/api/v1/products/bulk', { items }, { token })));
    expect(answers.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    expect(await count(h, 'products')).to.equal(20);
    // Stock comes with a product's creation only: one unit per SKU, whichever import created it.
    expect((await h.db.query('select sum(on_hand)::int as s from inventory')).rows[0].s).to.equal(20);
    const created = answers.flatMap((r) => r.body.items.filter((x) => x.result === 'created').map((x) => x.sku));
    expect(created.sort()).to.deep.equal([...new Set(imports.flat().map((i) => i.sku))].sort());
  });

  it('when the body is over 100 kB (the contract: split large imports), then 413 PAYLOAD_TOO_LARGE', async () => {
    const items = Array.from({ length: 60 }, (_, i) => item(i, { description: 'x'.repeat(2000) }));
    const res = await h.api.post<Problem>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
    expect(res.status).to.equal(413);
    expect(res.body.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('when a customer sends a bulk, then 403', async () => {
    expect((await h.api.post('/api/v1/products/bulk', { items: [item(1)] }, { token: h.customerToken() })).status).to.equal(403);
  });
});
