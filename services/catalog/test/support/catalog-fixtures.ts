import { expect } from 'chai';
import type { Harness } from './harness.js';

export interface ProductBody {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  categoryId: string | null;
  status: 'active' | 'archived';
  available: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProductPage {
  items: ProductBody[];
  nextCursor: string | null;
}

let skuCounter = 0;
export const uniqueSku = (tag = 'SKU') => `${tag}-${Date.now().toString(36)}-${(skuCounter++).toString(36)}`.toUpperCase();

export async function newCategory(h: Harness, name: string, slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')): Promise<string> {
  const res = await h.api.post<{ id: string }>('/api/v1/categories', { name, slug }, { token: h.adminToken() });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.id;
}

export async function newProduct(h: Harness, body: Partial<ProductBody> & { initialStock?: number } = {}): Promise<ProductBody> {
  const res = await h.api.post<ProductBody>(
    '/api/v1/products',
    { sku: uniqueSku(), name: 'Test product', description: 'A product made by a test', priceCents: 1000, ...body },
    { token: h.adminToken() },
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

/** Walks every page of a listing; returns the ids in the order served. `between` runs before each next page. */
export async function walk(h: Harness, query: string, between?: () => Promise<void>): Promise<ProductBody[]> {
  const seen: ProductBody[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const sep = query ? '&' : '';
    const res: { status: number; body: ProductPage } = await h.api.get<ProductPage>(`/api/v1/products?${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
    if (between) await between();
  }
  throw new Error('pagination does not end');
}

/** The value of one sample of a Prometheus counter on /metrics, 0 when absent. */
export async function counterValue(h: Harness, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await h.api.get<string>('/metrics')).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}
