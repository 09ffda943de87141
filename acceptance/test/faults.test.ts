import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimit, type Order, type Product, type Shopper } from '../src/client.js';
import { startBroker, stopBroker, tcpOpen } from '../src/broker.js';
import { formatReport } from '../src/invariants.js';
import { eventually } from '@commerce/shared/testing';
import type { Service } from '../src/env.js';
import { type Acceptance, acceptance, brokerAddress } from './support/stack.js';

// Acceptance tests 4, 5 and 6 of issue 5: concurrency, crashes and a broker outage. Each ends with
// the invariant checker (src/invariants.ts) finding stock, orders and payments in exact agreement.

/** How long every order of a fault test may take to reach a final state. */
const SETTLE_BOUND_MS = 120_000;

interface Prepared {
  shopper: Shopper;
  cartId: string;
}

describe('acceptance: concurrency and faults', function () {
  let a: Acceptance;

  before(async function () {
    a = await acceptance(this);
  });

  /** Shoppers with a filled cart each, ready to check out at the same moment. */
  async function prepare(count: number, label: string, lines: (index: number) => { productId: string; quantity: number }[]): Promise<Prepared[]> {
    return mapLimit(Array.from({ length: count }, (_, i) => i), 8, async (index) => {
      const shopper = await a.shop.newShopper(label);
      return { shopper, cartId: await a.shop.fillCart(shopper, lines(index)) };
    });
  }

  async function checkoutAll(prepared: Prepared[], token: (index: number) => string): Promise<string[]> {
    const results = await Promise.all(prepared.map(({ shopper, cartId }, i) => a.shop.checkout(shopper, cartId, token(i))));
    for (const r of results) expect(r.status, JSON.stringify(r.response.body)).to.equal(202);
    return results.map((r) => r.orderId);
  }

  async function settleAll(orderIds: string[]): Promise<Order[]> {
    return mapLimit(orderIds, 10, (id) => a.shop.waitForOrder(a.adminToken, id, { timeoutMs: SETTLE_BOUND_MS }));
  }

  it('4. no oversell: stock 20, 100 customers buy one each at once → 20 processing, 80 OUT_OF_STOCK', async function () {
    this.timeout(600_000);
    const product = await a.shop.newProduct(a.adminToken, { stock: 20 });
    const prepared = await prepare(100, 'rush', () => [{ productId: product.id, quantity: 1 }]);
    const orderIds = await checkoutAll(prepared, () => 'tok_visa');

    const orders = await settleAll(orderIds);
    const outcome = (o: Order) => `${o.status}/${o.paymentStatus}/${o.failureReason ?? '-'}`;
    const tally = new Map<string, number>();
    for (const o of orders) tally.set(outcome(o), (tally.get(outcome(o)) ?? 0) + 1);
    expect(Object.fromEntries(tally)).to.deep.equal({ 'processing/completed/-': 20, 'cancelled/failed/OUT_OF_STOCK': 80 });
    expect(await a.shop.inventory(a.adminToken, product.id)).to.deep.include({ onHand: 0, reserved: 0, available: 0 });

    const payments = (await mapLimit(orderIds, 10, (id) => a.shop.payments(a.adminToken, id))).flat();
    expect(payments.filter((p) => p.status === 'completed')).to.have.length(20);
    expect(payments).to.have.length(20); // nobody who was out of stock was asked to pay
    await a.expectConsistent();
  });

  /**
   * 30 checkouts in flight, then `service` dies (SIGKILL: no graceful anything) and is started
   * again. Payments are a mix of instant, slow (2 s, so some are mid-charge when the payment
   * service dies) and declined; two products, some orders taking both.
   */
  async function crashMidFlight(service: Service): Promise<void> {
    const products: Product[] = [await a.shop.newProduct(a.adminToken, { stock: 25 }), await a.shop.newProduct(a.adminToken, { stock: 25 })];
    const lines = (i: number) =>
      i % 3 === 0 ? [{ productId: products[0]!.id, quantity: 1 }, { productId: products[1]!.id, quantity: 1 }] : [{ productId: products[i % 2]!.id, quantity: 1 + (i % 2) }];
    const prepared = await prepare(30, `crash-${service}`, lines);
    const tokens = ['tok_visa', 'tok_slow', 'tok_visa', 'tok_chargeDeclined', 'tok_slow'];
    const checkouts = checkoutAll(prepared, (i) => tokens[i % tokens.length] as string);
    await sleep(service === 'order' ? 300 : 1_000);
    await a.stack.crashAndRestart(service);
    const orderIds = await checkouts;

    const started = Date.now();
    const orders = await settleAll(orderIds);
    expect(orders.filter((o) => o.status === 'pending')).to.deep.equal([]);
    const report = await a.expectConsistent(60_000);
    expect(report.disagreements, formatReport(report)).to.deep.equal([]);
    // Stock of the two products is exactly what was sold.
    for (const product of products) {
      const sold = orders.filter((o) => o.status === 'processing').flatMap((o) => o.items).filter((item) => item.productId === product.id).reduce((n, item) => n + item.quantity, 0);
      expect(await a.shop.inventory(a.adminToken, product.id), `product ${product.id}`).to.deep.include({ onHand: 25 - sold, reserved: 0 });
    }
    expect(Date.now() - started).to.be.below(SETTLE_BOUND_MS);
  }

  describe('5. crash mid-saga (SIGKILL, restart) with 30 checkouts in flight', function () {
    this.timeout(600_000);
    for (const service of ['order', 'payment', 'catalog'] as const) {
      it(`the ${service} service: every order final, stock, orders and payments agree`, async () => {
        await crashMidFlight(service);
      });
    }
  });

  it('6. broker outage mid-flow: RabbitMQ stopped and started again, services reconnect, invariants hold', async function () {
    this.timeout(600_000);
    const broker = brokerAddress(a.stack);
    const product = await a.shop.newProduct(a.adminToken, { stock: 15 });
    const prepared = await prepare(20, 'outage', () => [{ productId: product.id, quantity: 1 }]);
    const tokens = ['tok_visa', 'tok_slow', 'tok_chargeDeclined', 'tok_visa'];
    // Half check out before the outage, half while the broker is down (the outbox keeps their events).
    const early = checkoutAll(prepared.slice(0, 10), (i) => tokens[i % tokens.length] as string);
    await sleep(300);
    let orderIds: string[];
    try {
      stopBroker();
      expect(await tcpOpen(broker.host, broker.port)).to.equal(false);
      const late = await checkoutAll(prepared.slice(10), (i) => tokens[i % tokens.length] as string);
      await sleep(2_000);
      orderIds = [...(await early), ...late];
    } finally {
      await startBroker(broker.port);
    }

    const orders = await settleAll(orderIds);
    expect(orders.filter((o) => o.status === 'processing').length).to.be.at.most(15);
    await a.expectConsistent(60_000);
    // Every service is ready again (its /health/ready checks the broker connection).
    for (const svc of a.stack.services) {
      const res = await fetch(`${a.stack.url(svc)}/health/ready`);
      expect(res.status, `${svc} ready`).to.equal(200);
    }
  });

  it('11. the customer service down: a service with no keys yet answers 503 SERVICE_UNAVAILABLE with Retry-After (the token is fine, not 401), and 200 once it is back', async function () {
    this.timeout(120_000);
    const shopper = await a.shop.newShopper('keys');
    const listOrders = () => a.shop.api.get<{ code?: string }>('/api/v1/orders', { token: shopper.token });
    expect((await listOrders()).status).to.equal(200);
    try {
      await a.stack.kill('customer');
      // Restarted, the order service has no key set yet, and the JWKS it would fetch is gone.
      await a.stack.restartWith('order', {});
      const refused = await listOrders();
      expect([refused.status, refused.body.code, refused.headers.get('retry-after')]).to.deep.equal([503, 'SERVICE_UNAVAILABLE', '5']);
    } finally {
      await a.stack.startService('customer');
    }
    // After the Retry-After, the order service fetches the keys again.
    await eventually(async () => expect((await listOrders()).status).to.equal(200), { timeoutMs: 20_000, intervalMs: 500 });
  });
});
