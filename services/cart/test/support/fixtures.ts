import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Harness } from './harness.js';

export interface CartItemBody {
  id: string;
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
  addedAt: string;
}

export interface CartBody {
  id: string;
  customerId: string;
  status: 'pending' | 'submitted' | 'converted' | 'abandoned';
  items: CartItemBody[];
  itemCount: number;
  totalCents: number;
  currency: string;
  orderId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProductRow {
  productId: string;
  name: string;
  priceCents: number;
  status: 'active' | 'archived';
  available: number;
}

/**
 * Puts a product straight into the cart's read model (the tests of the read model itself go
 * through the bus: test/integration/read-model.test.ts).
 */
export async function knownProduct(h: Harness, product: Partial<ProductRow> = {}): Promise<ProductRow> {
  const row: ProductRow = { productId: randomUUID(), name: 'Ceramic Mug', priceCents: 1299, status: 'active', available: 50, ...product };
  await h.db.query(
    `insert into product_snapshots (product_id, name, price_cents, currency, status, available, last_event_at, available_at)
     values ($1, $2, $3, 'USD', $4, $5, now(), now())`,
    [row.productId, row.name, row.priceCents, row.status, row.available],
  );
  return row;
}

/** Puts an address of `customerId` straight into the cart's address read model. */
export async function knownAddress(h: Harness, customerId: string): Promise<string> {
  const addressId = randomUUID();
  await h.db.query(
    `insert into customer_addresses (address_id, customer_id, line1, line2, city, postal_code, country, removed, last_event_at)
     values ($1, $2, '1 Main St', null, 'Springfield', '12345', 'US', false, now())`,
    [addressId, customerId],
  );
  return addressId;
}

/** A customer with a pending cart: their id, token and cart. */
export async function customerWithCart(h: Harness) {
  const customerId = randomUUID();
  const token = h.customerToken(customerId);
  const res = await h.api.post<CartBody>('/api/v1/carts', undefined, { token });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { customerId, token, cart: res.body };
}

export async function addItem(h: Harness, token: string, cartId: string, productId: string, quantity = 1) {
  const res = await h.api.post<CartBody>(`/api/v1/carts/${cartId}/items`, { productId, quantity }, { token });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

export async function checkedOutEvents(h: Harness, cartId?: string) {
  const { rows } = await h.db.query<{ payload: { data: Record<string, unknown>; correlationId: string } }>(
    `select payload from outbox where type = 'cart.cart.checked-out' ${cartId ? `and payload->'data'->>'cartId' = $1` : ''} order by seq`,
    cartId ? [cartId] : [],
  );
  return rows.map((r) => r.payload);
}

export async function cartStatusOf(h: Harness, cartId: string) {
  const { rows } = await h.db.query<{ status: string; order_id: string | null }>('select status, order_id from carts where id = $1', [cartId]);
  return rows[0];
}

/** The value of one sample of a Prometheus counter on /metrics, 0 when absent. */
export async function counterValue(h: Harness, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await h.api.get<string>('/metrics')).body;
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}
