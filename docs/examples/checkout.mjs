#!/usr/bin/env node
// docs/examples/checkout.mjs: a client's first checkout through the API, with fetch (Node 20+):
// register → log in → add a shipping address → browse (and a conditional GET) → cart →
// checkout (202) → poll the order until the saga is done → refresh the tokens → log out.
// The guides quote it, and the acceptance suite runs it against a real stack
// (acceptance/test/examples.test.ts), so what the docs show is known to work.
//
//   API_BASE_URL=http://localhost:8080 node docs/examples/checkout.mjs
//   PAYMENT_TOKEN=tok_chargeDeclined node docs/examples/checkout.mjs   # a declined card: exits 1
//   PRODUCT_ID=<uuid> node docs/examples/checkout.mjs                  # buy this product
//
// Exits 0 when the order ends processing with its payment completed, 1 otherwise.
/* global fetch, console, process -- Node 20's own globals */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const BASE = process.env.API_BASE_URL ?? 'http://localhost:8080';
const PAYMENT_TOKEN = process.env.PAYMENT_TOKEN ?? 'tok_visa';
let token;

/** One request: JSON in and out, the bearer token once logged in, a 429 retried after its Retry-After. */
async function api(method, path, { body, headers = {}, expect = [200] } = {}) {
  const all = { accept: 'application/json', ...headers };
  if (token) all.authorization = `Bearer ${token}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  let res;
  for (let attempt = 0; attempt < 5; attempt++) {
    res = await fetch(BASE + path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status !== 429) break;
    await sleep(1000 * Number(res.headers.get('retry-after') ?? 1));
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (expect && !expect.includes(res.status)) throw new Error(`${method} ${path}: unexpected HTTP ${res.status} (wanted ${expect}): ${text}`);
  return { status: res.status, headers: res.headers, body: json };
}

/**
 * Repeats a request while it answers 422 with this problem code: the cart learns of new products
 * and addresses by events, a second or two after they were created.
 */
async function retryWhile(request, code) {
  for (let attempt = 0; ; attempt++) {
    const res = await request();
    if (res.status !== 422 || res.body?.code !== code || attempt >= 60) return res;
    await sleep(500);
  }
}

const step = (text) => console.log(`\n==> ${text}`);

step('register');
const email = `js-${randomBytes(8).toString('hex')}@example.com`;
const password = `pw-${randomBytes(12).toString('hex')}`;
const customer = (await api('POST', '/api/v1/auth/register', { body: { email, password, name: 'JavaScript Example' }, expect: [201] })).body;
console.log(`customer ${customer.id} (${email})`);

step('log in');
let tokens = (await api('POST', '/api/v1/auth/login', { body: { email, password } })).body;
token = tokens.accessToken;
console.log(`access token valid for ${tokens.expiresIn} s`);

step('add a shipping address');
const address = (
  await api('POST', '/api/v1/customers/me/addresses', {
    body: { line1: '1 Example Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    expect: [201],
  })
).body;

step('browse: products in stock, cheapest first');
const page = (await api('GET', '/api/v1/products?inStock=true&sort=priceCents&limit=20')).body;
console.log(`${page.items.length} products on this page; next page: ${page.nextCursor}`);
if (page.items.length === 0) throw new Error('no product in stock');
// The one with the most units available, unless PRODUCT_ID names one.
const productId = process.env.PRODUCT_ID || page.items.reduce((best, p) => (p.available > best.available ? p : best)).id;

step('read the product, then again with If-None-Match: 304 while it has not changed');
const read = await api('GET', `/api/v1/products/${productId}`);
console.log(`buying ${read.body.name} at ${read.body.priceCents} cents (${read.body.available} available)`);
const etag = read.headers.get('etag');
const again = await api('GET', `/api/v1/products/${productId}`, { headers: { 'if-none-match': etag }, expect: [200, 304] });
console.log(`HTTP ${again.status} for ETag ${etag}`);

step('open a cart and add the product');
const cart = (await api('POST', '/api/v1/carts', { expect: [200, 201] })).body;
const added = await retryWhile(() => api('POST', `/api/v1/carts/${cart.id}/items`, { body: { productId, quantity: 1 }, expect: null }), 'PRODUCT_UNAVAILABLE');
if (added.status !== 201) throw new Error(`add to cart: HTTP ${added.status}: ${JSON.stringify(added.body)}`);

step('check out (202 Accepted)');
// One key for this checkout, reused by every retry of it: a retry can never place a second order.
const idempotencyKey = `checkout-${randomBytes(16).toString('hex')}`;
const checkout = await retryWhile(
  () =>
    api('POST', `/api/v1/carts/${cart.id}/checkout`, {
      body: { shippingAddressId: address.id, paymentToken: PAYMENT_TOKEN },
      headers: { 'idempotency-key': idempotencyKey },
      expect: null,
    }),
  'ADDRESS_INVALID',
);
if (checkout.status !== 202) throw new Error(`checkout: HTTP ${checkout.status}: ${JSON.stringify(checkout.body)}`);
const orderUrl = checkout.headers.get('location');
console.log(`order ${checkout.body.orderId} is ${checkout.body.status}; polling ${orderUrl}`);

step('poll the order until the checkout saga is done');
let order;
for (let attempt = 0; attempt < 120; attempt++) {
  const res = await api('GET', orderUrl, { expect: [200, 404] }); // 404 until the order service has created it
  if (res.status === 200) {
    order = res.body;
    if (order.status !== 'pending' && order.paymentStatus !== 'pending') break;
  }
  await sleep(500);
}
if (!order) throw new Error('the order was never created');
console.log(`order ${order.status}, payment ${order.paymentStatus}${order.failureReason ? `, reason ${order.failureReason}` : ''}`);

step('refresh the tokens (the old refresh token is now spent)');
tokens = (await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).body;
token = tokens.accessToken;
const me = (await api('GET', '/api/v1/customers/me')).body;
console.log(`still ${me.email} with the new access token`);

step('log out');
await api('POST', '/api/v1/auth/logout', { body: { refreshToken: tokens.refreshToken }, expect: [204] });

process.exitCode = order.status === 'processing' && order.paymentStatus === 'completed' ? 0 : 1;
