import { randomUUID } from 'node:crypto';
import { type Order, type Product, type Shopper, Shop } from './client.js';

/**
 * `make demo` (scripts/demo.sh runs this): on a running `make up` stack, one shopper's story
 * through the gateway, printed step by step: register → browse → cart → checkout (tok_visa) →
 * order processing, payment completed; then a declined card; then a checkout that finds the
 * stock gone. Ends with the stock, orders and payments as the services see them. It needs an
 * admin account (for stock figures and a limited product): DEMO_ADMIN_EMAIL / DEMO_ADMIN_PASSWORD.
 */
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8080';
const adminEmail = process.env.DEMO_ADMIN_EMAIL;
const adminPassword = process.env.DEMO_ADMIN_PASSWORD;
if (!adminEmail || !adminPassword) {
  process.stderr.write('demo: DEMO_ADMIN_EMAIL and DEMO_ADMIN_PASSWORD are needed (scripts/demo.sh sets them)\n');
  process.exit(2);
}

const shop = new Shop(gateway, 'demo.example');
let stepNo = 0;
const step = (text: string) => process.stdout.write(`\n==> ${++stepNo}. ${text}\n`);
const say = (text: string) => process.stdout.write(`    ${text}\n`);
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** Polls the order and prints each state it passes through, until the saga is done. */
async function follow(shopper: Shopper, orderId: string): Promise<Order> {
  let seen = '';
  const order = await shop.waitForOrder(shopper.token, orderId, {
    timeoutMs: 90_000,
    done: (o) => {
      const now = `order ${o.status}, payment ${o.paymentStatus}${o.failureReason ? `, reason ${o.failureReason}` : ''}`;
      if (now !== seen) say((seen = now));
      return o.status === 'cancelled' ? o.paymentStatus !== 'pending' : o.status !== 'pending';
    },
  });
  return order;
}

/** The first defined answer of `probe`, polled for up to `timeoutMs`. */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  process.stdout.write(`The checkout story on ${gateway}\n`);
  const adminToken = await shop.login(adminEmail as string, adminPassword as string);

  step('a shopper registers, logs in and adds a shipping address');
  const shopper = await shop.newShopper('demo');
  say(`${shopper.email} (customer ${shopper.customerId})`);

  step('browses the catalogue (GET /api/v1/products?inStock=true)');
  const listing = await shop.api.get<{ items: (Product & { available: number })[] }>('/api/v1/products?inStock=true&limit=3&sort=name');
  if (listing.status !== 200 || listing.body.items.length === 0) throw new Error(`no product in stock to buy (HTTP ${listing.status}); did make up seed the demo catalogue?`);
  for (const p of listing.body.items) say(`${p.name.padEnd(40)} ${money(p.priceCents).padStart(9)}   ${p.available} available`);
  const product = listing.body.items[0] as Product;
  const before = await shop.inventory(adminToken, product.id);

  step(`puts 2 × ${product.name} in the cart`);
  const cartId = await shop.fillCart(shopper, [{ productId: product.id, quantity: 2 }]);
  say(`cart ${cartId}: 2 × ${money(product.priceCents)} = ${money(2 * product.priceCents)}`);

  step('checks out with a card that works (tok_visa, Idempotency-Key)');
  const paid = await shop.checkout(shopper, cartId, 'tok_visa');
  say(`HTTP ${paid.status}: order ${paid.orderId} accepted; the saga takes it from here`);
  const confirmed = await follow(shopper, paid.orderId);
  for (const h of await shop.history(shopper.token, confirmed.id)) say(`  history: ${h.kind} ${h.from ?? '(new)'} → ${h.to} by ${h.actor}${h.reason ? ` (${h.reason})` : ''}`);
  say(`stock of ${product.name}: onHand ${before.onHand} → ${(await shop.inventory(adminToken, product.id)).onHand}`);

  step('buys again with a card the bank declines (tok_chargeDeclined)');
  const declinedCart = await shop.fillCart(shopper, [{ productId: product.id, quantity: 1 }]);
  const declined = await shop.checkout(shopper, declinedCart, 'tok_chargeDeclined');
  say(`HTTP ${declined.status}: order ${declined.orderId}`);
  await follow(shopper, declined.orderId);
  // The release follows the cancellation by a moment (catalog.release-stock).
  const stock = (await waitFor(async () => {
    const now = await shop.inventory(adminToken, product.id);
    return now.reserved === before.reserved ? now : undefined;
  }, 10_000)) ?? (await shop.inventory(adminToken, product.id));
  say(`the reserved unit went back on the shelf: onHand ${stock.onHand}, reserved ${stock.reserved}`);
  // The cart reopens when it hears of the cancellation (order.order.cancelled), a moment later.
  const reopened = await waitFor(() => shop.currentCart(shopper.token), 15_000);
  say(reopened ? `the cart is open again (${reopened.status}) so the shopper can fix the card; the demo abandons it` : 'the cart did not reopen within 15 s');
  if (reopened) await shop.api.delete(`/api/v1/carts/${reopened.id}`, { token: shopper.token });

  step('tries to buy the last unit of a limited product, which someone else gets first');
  const limited = await shop.newProduct(adminToken, { stock: 1, priceCents: 4_900, name: `Demo limited edition ${randomUUID().slice(0, 8)}` });
  say(`${limited.name}: 1 in stock`);
  const lateCart = await shop.fillCart(shopper, [{ productId: limited.id, quantity: 1 }]);
  const rival = await shop.newShopper('demo-rival');
  const rivalOrder = await shop.buy(rival, [{ productId: limited.id, quantity: 1 }]);
  say(`another shopper bought it: order ${(await shop.waitForOrder(rival.token, rivalOrder, { timeoutMs: 90_000 })).status}`);
  const late = await shop.checkout(shopper, lateCart, 'tok_visa');
  say(`HTTP ${late.status}: order ${late.orderId}`);
  await follow(shopper, late.orderId);

  step('where everything stands');
  for (const p of [product, limited]) {
    const stock = await shop.inventory(adminToken, p.id);
    say(`stock    ${p.name.padEnd(40)} onHand ${stock.onHand}, reserved ${stock.reserved}, available ${stock.available}`);
  }
  for (const id of [paid.orderId, declined.orderId, late.orderId]) {
    const o = (await shop.order(shopper.token, id)) as Order;
    const payments = await shop.payments(shopper.token, id);
    const payment = payments[0] ? `payment ${payments[0].status} ${money(payments[0].amountCents)}${payments[0].failureReason ? ` (${payments[0].failureReason})` : ''}` : 'no payment (nothing was charged)';
    say(`order    ${id}  ${o.status.padEnd(10)} ${money(o.totalCents).padStart(9)}  ${o.failureReason ?? ''}`.trimEnd());
    say(`         ${payment}`);
  }
  process.stdout.write('\nDone: one order processing and paid, one declined, one out of stock; nothing held, nothing charged twice.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
