import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, type ApiResponse } from '@commerce/shared/testing';

/** What the suite and the demo read back; the contracts in contracts/openapi have every field. */
export interface Order {
  id: string;
  customerId: string;
  cartId: string;
  status: 'pending' | 'processing' | 'shipped' | 'delivered' | 'cancelled';
  paymentStatus: 'pending' | 'completed' | 'failed' | 'refunded';
  items: { productId: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
  failureReason: string | null;
}

export interface HistoryEntry {
  kind: 'status' | 'paymentStatus';
  from: string | null;
  to: string;
  at: string;
  actor: 'customer' | 'admin' | 'system';
  reason: string | null;
}

export interface Payment {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: 'pending' | 'completed' | 'failed' | 'refunded';
  failureReason: string | null;
}

export interface Inventory {
  onHand: number;
  reserved: number;
  available: number;
}

export interface Shopper {
  email: string;
  customerId: string;
  token: string;
  addressId: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
}

export interface CheckoutResult {
  status: number;
  orderId: string;
  idempotencyKey: string;
  response: ApiResponse<{ orderId: string; status: string }>;
}

/** A final state of the checkout saga as the customer sees it. */
export function isSettled(order: Order): boolean {
  return order.status === 'cancelled' ? order.paymentStatus !== 'pending' : order.status !== 'pending' && order.paymentStatus === 'completed';
}

function expectStatus<T>(res: ApiResponse<T>, wanted: number[], what: string): ApiResponse<T> {
  if (!wanted.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/**
 * The shop through the gateway, as a client sees it: customers register and log in at the customer
 * service, the admin creates products and stock at the catalog, shoppers fill carts and check out,
 * orders and payments are read back. Eventual consistency (the cart learns of a new product or
 * address by events) is waited for here, so tests read as the story they tell.
 */
export class Shop {
  readonly api: ApiClient;

  /** `emailDomain`: where the customers it registers live (reserved .example names, no mail ever goes out). */
  constructor(
    readonly baseUrl: string,
    private readonly emailDomain = 'acceptance.example',
  ) {
    this.api = new ApiClient(baseUrl);
  }

  async login(email: string, password: string): Promise<string> {
    const res = expectStatus(await this.api.post<{ accessToken: string }>('/api/v1/auth/login', { email, password }), [200], `login ${email}`);
    return res.body.accessToken;
  }

  /** A fresh customer with one shipping address, logged in. */
  async newShopper(label = 'shopper'): Promise<Shopper> {
    const email = `${label}-${randomUUID()}@${this.emailDomain}`;
    const password = `pw-${randomUUID()}`;
    const registered = expectStatus(
      await this.api.post<{ id: string }>('/api/v1/auth/register', { email, password, name: `Acceptance ${label}` }),
      [201],
      `register ${email}`,
    );
    const token = await this.login(email, password);
    const address = expectStatus(
      await this.api.post<{ id: string }>('/api/v1/customers/me/addresses', { line1: '1 Test Street', city: 'Testville', postalCode: '12345', country: 'US' }, { token }),
      [201],
      'add address',
    );
    return { email, customerId: registered.body.id, token, addressId: address.body.id };
  }

  /** A new active product with `stock` units on hand (admin endpoint 21). */
  async newProduct(adminToken: string, { stock, priceCents = 1_000, name = 'Acceptance product' }: { stock: number; priceCents?: number; name?: string }): Promise<Product> {
    const sku = `ACC-${randomUUID().slice(0, 18)}`;
    const res = expectStatus(
      await this.api.post<Product>('/api/v1/products', { sku, name, description: 'Made by the acceptance suite.', priceCents, initialStock: stock }, { token: adminToken }),
      [201],
      'create product',
    );
    return res.body;
  }

  async inventory(adminToken: string, productId: string): Promise<Inventory> {
    return expectStatus(await this.api.get<Inventory>(`/api/v1/products/${productId}/inventory`, { token: adminToken }), [200], 'inventory').body;
  }

  /** Stock adjustment (endpoint 26), e.g. to bring a product down to a few units. */
  async adjustStock(adminToken: string, productId: string, delta: number, reason = 'acceptance'): Promise<Inventory> {
    return expectStatus(await this.api.post<Inventory>(`/api/v1/products/${productId}/inventory/adjustments`, { delta, reason }, { token: adminToken }), [200, 201], 'adjust stock').body;
  }

  /**
   * The shopper's pending cart with these lines. A product created a moment ago may not have reached
   * the cart's copy of the catalog yet (422 PRODUCT_UNAVAILABLE): retried until it has.
   */
  async fillCart(shopper: Shopper, items: { productId: string; quantity: number }[]): Promise<string> {
    const cart = expectStatus(await this.api.post<{ id: string }>('/api/v1/carts', undefined, { token: shopper.token }), [200, 201], 'create cart');
    for (const item of items) {
      await retryWhile(
        async () => this.api.post(`/api/v1/carts/${cart.body.id}/items`, item, { token: shopper.token }),
        (res) => res.status === 422 && (res.body as { code?: string }).code === 'PRODUCT_UNAVAILABLE',
        'add to cart',
      ).then((res) => expectStatus(res, [201], 'add to cart'));
    }
    return cart.body.id;
  }

  /**
   * Checkout (endpoint 35) with an Idempotency-Key. The shopper's address reaches the cart by an
   * event: 422 ADDRESS_INVALID right after it was added is retried (with the same key: a failed
   * request stores nothing).
   */
  async checkout(shopper: Shopper, cartId: string, paymentToken: string, idempotencyKey: string = randomUUID()): Promise<CheckoutResult> {
    const response = await retryWhile(
      () => this.api.post<{ orderId: string; status: string }>(`/api/v1/carts/${cartId}/checkout`, { shippingAddressId: shopper.addressId, paymentToken }, {
        token: shopper.token,
        headers: { 'idempotency-key': idempotencyKey },
      }),
      (res) => res.status === 422 && (res.body as unknown as { code?: string }).code === 'ADDRESS_INVALID',
      'checkout',
    );
    return { status: response.status, orderId: response.body.orderId, idempotencyKey, response };
  }

  /** Fill a cart and check out: the order id. */
  async buy(shopper: Shopper, items: { productId: string; quantity: number }[], paymentToken = 'tok_visa'): Promise<string> {
    const cartId = await this.fillCart(shopper, items);
    const result = await this.checkout(shopper, cartId, paymentToken);
    expectStatus(result.response, [202], 'checkout');
    return result.orderId;
  }

  /** The order, or undefined while the order service hasn't created it yet (404). */
  async order(token: string, orderId: string): Promise<Order | undefined> {
    const res = await this.api.get<Order>(`/api/v1/orders/${orderId}`, { token });
    if (res.status === 404) return undefined;
    return expectStatus(res, [200], `order ${orderId}`).body;
  }

  /** Polls the order until `done` holds (default: the saga's final state), or fails after the timeout. */
  async waitForOrder(token: string, orderId: string, { timeoutMs = 60_000, done = isSettled }: { timeoutMs?: number; done?: (order: Order) => boolean } = {}): Promise<Order> {
    const deadline = Date.now() + timeoutMs;
    let last: Order | undefined;
    for (;;) {
      try {
        last = await this.order(token, orderId);
        if (last && done(last)) return last;
      } catch (error) {
        // A service being restarted by a fault test answers 502 for a moment: keep polling.
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) {
        throw new Error(`order ${orderId} not settled after ${timeoutMs} ms: ${last ? `${last.status}/${last.paymentStatus}` : 'not created'}`);
      }
      await sleep(250);
    }
  }

  async history(token: string, orderId: string): Promise<HistoryEntry[]> {
    const res = expectStatus(await this.api.get<{ items: HistoryEntry[] } | HistoryEntry[]>(`/api/v1/orders/${orderId}/history`, { token }), [200], 'order history');
    return Array.isArray(res.body) ? res.body : res.body.items;
  }

  async cancel(token: string, orderId: string, idempotencyKey: string = randomUUID()): Promise<ApiResponse> {
    return this.api.post(`/api/v1/orders/${orderId}/cancel`, undefined, { token, headers: { 'idempotency-key': idempotencyKey } });
  }

  /** The payments of one order (endpoint 42 with ?orderId=). */
  async payments(token: string, orderId: string): Promise<Payment[]> {
    return expectStatus(await this.api.get<{ items: Payment[] }>(`/api/v1/payments?orderId=${orderId}`, { token }), [200], 'payments').body.items;
  }

  async currentCart(token: string): Promise<{ id: string; status: string } | undefined> {
    const res = await this.api.get<{ id: string; status: string }>('/api/v1/carts/current', { token });
    return res.status === 404 ? undefined : expectStatus(res, [200], 'current cart').body;
  }

  async cart(token: string, cartId: string): Promise<{ id: string; status: string }> {
    return expectStatus(await this.api.get<{ id: string; status: string }>(`/api/v1/carts/${cartId}`, { token }), [200], 'cart').body;
  }
}

/** Repeats a request while `again` says its answer is a transient one (up to 30 s). */
async function retryWhile<T>(request: () => Promise<ApiResponse<T>>, again: (res: ApiResponse<T>) => boolean, what: string, timeoutMs = 30_000): Promise<ApiResponse<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request();
    if (!again(res)) return res;
    if (Date.now() > deadline) throw new Error(`${what}: still HTTP ${res.status} ${JSON.stringify(res.body)} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Runs `task` over `items` with at most `limit` at once (register 100 customers without 100 argon2 hashes at once). */
export async function mapLimit<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}
