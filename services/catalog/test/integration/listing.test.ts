import { expect } from 'chai';
import { useCatalogService } from '../support/harness.js';
import { newCategory, uniqueSku, walk, type ProductBody, type ProductPage } from '../support/catalog-fixtures.js';

interface Seeded {
  all: ProductBody[];
  kitchen: string;
  garden: string;
}

/** 23 products over two categories (and none), prices with ties, stock on some; made by one bulk call, so createdAt ties too. */
async function seed(h: ReturnType<typeof useCatalogService>): Promise<Seeded> {
  const kitchen = await newCategory(h, 'Kitchen');
  const garden = await newCategory(h, 'Garden');
  const names = ['Espresso Mug', 'Travel Mug', 'Teapot', 'Chef Knife', 'Cutting Board', 'Garden Hose', 'Rake', 'Watering Can', 'Flower Pot', 'Seed Tray'];
  const items = Array.from({ length: 23 }, (_, i) => ({
    sku: uniqueSku(`L${i}`),
    name: `${names[i % names.length]} ${String(i).padStart(2, '0')}`,
    description: i === 4 ? 'Made of solid oak, great for bread' : `Item number ${i}`,
    priceCents: [500, 1000, 1500, 1000, 250][i % 5]!,
    categoryId: i % 3 === 0 ? kitchen : i % 3 === 1 ? garden : null,
    initialStock: i % 4 === 0 ? 0 : i,
  }));
  const res = await h.api.post<{ items: { productId: string }[] }>('/api/v1/products/bulk', { items }, { token: h.adminToken() });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  const all = await walk(h, 'limit=100');
  expect(all).to.have.length(23);
  return { all, kitchen, garden };
}

const ids = (products: ProductBody[]) => products.map((p) => p.id);
const byKey = <K extends string | number>(key: (p: ProductBody) => K, desc = false) => (a: ProductBody, b: ProductBody) => {
  const [ka, kb] = [key(a), key(b)];
  const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
  const order = primary !== 0 ? primary : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return desc ? -order : order;
};

const SORTS: [string, (a: ProductBody, b: ProductBody) => number][] = [
  ['-createdAt', byKey((p) => p.createdAt, true)],
  ['createdAt', byKey((p) => p.createdAt)],
  ['priceCents', byKey((p) => p.priceCents)],
  ['-priceCents', byKey((p) => p.priceCents, true)],
  ['name', byKey((p) => p.name)],
];

describe('product listing: search, filters, sorts, pagination', () => {
  const h = useCatalogService();

  it('when searching by q, then words match name and description in any inflection, a part of a word matches the name, and nothing else comes back', async () => {
    const { all } = await seed(h);
    const named = (fragment: string) => all.filter((p) => p.name.includes(fragment)).map((p) => p.id).sort();
    const search = async (q: string) => (await walk(h, `q=${encodeURIComponent(q)}`)).map((p) => p.id).sort();

    expect(await search('mugs')).to.deep.equal([...named('Espresso Mug'), ...named('Travel Mug')].sort());
    expect(await search('espres')).to.deep.equal(named('Espresso'));
    expect(await search('oak bread')).to.deep.equal(all.filter((p) => p.description.includes('oak')).map((p) => p.id));
    expect(await search('garden hose')).to.deep.equal(named('Garden Hose'));
    expect(await search('zeppelin')).to.deep.equal([]);
    expect(await search('100%_')).to.deep.equal([]);
    expect((await h.api.get(`/api/v1/products?q=${'x'.repeat(101)}`)).status).to.equal(400);
    expect((await h.api.get('/api/v1/products?q=')).status).to.equal(400);
    expect((await h.api.get('/api/v1/products?q=%20%20')).status).to.equal(400);
    expect((await search(' mugs ')).length).to.equal((await search('mugs')).length);
  });

  it('when filtering by category, price range and stock, then exactly the matching products come back, also combined', async () => {
    const { all, kitchen } = await seed(h);
    const check = async (query: string, expected: ProductBody[]) => {
      expect(ids(await walk(h, `${query}&limit=5`)).sort(), query).to.deep.equal(ids(expected).sort());
    };
    await check(`categoryId=${kitchen}`, all.filter((p) => p.categoryId === kitchen));
    await check('minPriceCents=1000', all.filter((p) => p.priceCents >= 1000));
    await check('maxPriceCents=500', all.filter((p) => p.priceCents <= 500));
    await check('minPriceCents=500&maxPriceCents=1000', all.filter((p) => p.priceCents >= 500 && p.priceCents <= 1000));
    await check('minPriceCents=2000&maxPriceCents=100', []);
    await check('inStock=true', all.filter((p) => p.available > 0));
    await check('inStock=false', all.filter((p) => p.available === 0));
    await check(`categoryId=${kitchen}&inStock=true&maxPriceCents=1000&q=mug`, all.filter((p) => p.categoryId === kitchen && p.available > 0 && p.priceCents <= 1000 && / Mug /.test(p.name)));
    await check('categoryId=00000000-0000-4000-8000-000000000000', []);
    expect((await h.api.get('/api/v1/products?minPriceCents=-1')).status).to.equal(400);
    expect((await h.api.get('/api/v1/products?inStock=maybe')).status).to.equal(400);
    expect((await h.api.get('/api/v1/products?categoryId=kitchen')).status).to.equal(400);
  });

  it('when sorted by each documented key, then pages walk the whole set in that order, ties broken by id, no row twice or missing', async () => {
    const { all } = await seed(h);
    for (const [sort, compare] of SORTS) {
      for (const limit of [1, 4, 23, 100]) {
        const walked = await walk(h, `sort=${sort}&limit=${limit}`);
        expect(ids(walked), `${sort} limit ${limit}`).to.deep.equal(ids([...all].sort(compare)));
      }
    }
    const fallback = await walk(h, 'limit=7');
    expect(ids(fallback)).to.deep.equal(ids([...all].sort(byKey((p) => p.createdAt, true))));
    expect((await h.api.get('/api/v1/products?sort=sku')).status).to.equal(400);
  });

  it('when rows are inserted between pages, then the walk still serves every original row exactly once, in order', async () => {
    const { all } = await seed(h);
    for (const [sort, compare] of SORTS) {
      let n = 0;
      let turns = 0;
      const walked = await walk(h, `sort=${sort}&limit=3`, async () => {
        // During the first page turns (rows appended after the cursor would otherwise never let an
        // ascending createdAt walk end): prices and names land before, among and after the rows already served.
        if (turns++ >= 4) return;
        for (const [price, name] of [[0, 'Aaa'], [1000, 'Mmm'], [99999, 'Zzz']] as const) {
          const res = await h.api.post('/api/v1/products', { sku: uniqueSku(`INS${n++}`), name: `${name} inserted`, description: '', priceCents: price }, { token: h.adminToken() });
          expect(res.status).to.equal(201);
        }
      });
      const original = new Set(ids(all));
      const servedOriginals = ids(walked).filter((id) => original.has(id));
      expect(servedOriginals, sort).to.deep.equal(ids([...all].sort(compare)));
      expect(new Set(ids(walked)).size, `${sort}: duplicates`).to.equal(walked.length);
      await h.db.query(`delete from inventory where product_id in (select id from products where name like '% inserted')`);
      await h.db.query(`delete from products where name like '% inserted'`);
    }
  });

  it('when the cursor is tampered with or belongs to another sort or filter, then 400', async () => {
    await seed(h);
    const page = await h.api.get<ProductPage>('/api/v1/products?sort=priceCents&limit=2');
    const cursor = encodeURIComponent(page.body.nextCursor!);
    expect((await h.api.get(`/api/v1/products?sort=priceCents&limit=2&cursor=${cursor}`)).status).to.equal(200);
    expect((await h.api.get(`/api/v1/products?sort=name&limit=2&cursor=${cursor}`)).status).to.equal(400);
    expect((await h.api.get(`/api/v1/products?sort=priceCents&limit=2&minPriceCents=1&cursor=${cursor}`)).status).to.equal(400);
    expect((await h.api.get('/api/v1/products?cursor=bm9wZQ')).status).to.equal(400);
    const forged = Buffer.from(JSON.stringify(['priceCents', 'abc', 'not-a-uuid'])).toString('base64url');
    expect((await h.api.get(`/api/v1/products?sort=priceCents&cursor=${forged}`)).status).to.equal(400);
  });

  it('when the limit is outside 1..100, then 400', async () => {
    expect((await h.api.get('/api/v1/products?limit=0')).status).to.equal(400);
    expect((await h.api.get('/api/v1/products?limit=101')).status).to.equal(400);
  });
});
