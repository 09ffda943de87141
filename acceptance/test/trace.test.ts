/* eslint-disable security/detect-non-literal-fs-filename -- the log files are RUN_DIR/logs/<one of SERVICES>.log */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { ApiClient, eventually, type ApiResponse } from '@commerce/shared/testing';
import { Shop } from '../src/client.js';
import { SERVICES, type Service } from '../src/env.js';
import { GATEWAY_URL, RUN_DIR } from '../src/stack.js';
import { type Acceptance, acceptance } from './support/stack.js';

// Issue 6, logs: one checkout followed through all five services by its traceId, on the log files
// the acceptance stack writes. The client continues one W3C trace and one X-Correlation-Id over its
// whole visit (register, log in, add an address, create the product, fill the cart, check out), as
// a browser session would; the saga's messages then carry that trace into order, catalog, payment
// and back to the cart, correlated by the order id.

type LogLine = Record<string, unknown> & { message: string; service: string };

/** An ApiClient that sends the visit's trace (a new span per request) and correlation on every request. */
class TracedClient extends ApiClient {
  constructor(
    baseUrl: string,
    private readonly traceId: string,
    private readonly correlationId: string,
  ) {
    super(baseUrl);
  }

  override request<T = unknown>(method: string, path: string, body?: unknown, options: Parameters<ApiClient['request']>[3] = {}): Promise<ApiResponse<T>> {
    const headers = {
      traceparent: `00-${this.traceId}-${randomBytes(8).toString('hex')}-01`,
      'x-correlation-id': this.correlationId,
      ...options.headers,
    };
    return super.request<T>(method, path, body, { ...options, headers });
  }
}

class TracedShop extends Shop {
  override readonly api: ApiClient;

  constructor(traceId: string, correlationId: string) {
    super(GATEWAY_URL);
    this.api = new TracedClient(GATEWAY_URL, traceId, correlationId);
  }
}

/** The JSON lines of one service's log in the acceptance stack (its start banners are not JSON). */
function logLines(svc: Service): LogLine[] {
  return readFileSync(resolve(RUN_DIR, 'logs', `${svc}.log`), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

const handled = (lines: LogLine[], type: string) => lines.filter((l) => l.message === 'message handled' && l.type === type);

describe('acceptance: one checkout followed through the logs', function () {
  let a: Acceptance;

  before(async function () {
    a = await acceptance(this);
  });

  it('its traceId is on lines of all five services; HTTP lines carry the client\'s correlation id, the saga\'s lines the order id, and the order id never leaves the trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const correlationId = `acceptance-visit-${randomUUID()}`;
    const shop = new TracedShop(traceId, correlationId);

    const product = await shop.newProduct(a.adminToken, { stock: 5, priceCents: 900 });
    const shopper = await shop.newShopper('traced');
    const cartId = await shop.fillCart(shopper, [{ productId: product.id, quantity: 2 }]);
    const checkout = await shop.checkout(shopper, cartId, 'tok_visa');
    expect(checkout.status).to.equal(202);
    expect(checkout.response.headers.get('traceparent')?.split('-')[1], 'the trace continued').to.equal(traceId);
    expect(checkout.response.headers.get('x-correlation-id')).to.equal(correlationId);
    const orderId = checkout.orderId;
    const order = await shop.waitForOrder(shopper.token, orderId);
    expect(order).to.include({ status: 'processing', paymentStatus: 'completed' });
    expect((await shop.payments(shopper.token, orderId)).map((p) => p.status)).to.deep.equal(['completed']);

    // The cart converts after the order is confirmed, so its line may come a moment later.
    const traced = await eventually(() => {
      const bySvc = Object.fromEntries(SERVICES.map((svc) => [svc, logLines(svc).filter((l) => l.traceId === traceId)])) as Record<Service, LogLine[]>;
      expect(handled(bySvc.cart, 'order.order.confirmed')).not.to.deep.equal([]);
      return bySvc;
    });

    for (const svc of SERVICES) {
      expect(traced[svc], `${svc}: lines with the trace`).not.to.deep.equal([]);
      expect(traced[svc].every((l) => l.service === svc)).to.equal(true);
      // Each request through the gateway is logged by the service that served it, under the visit's correlation.
      const requests = traced[svc].filter((l) => l.message === 'request');
      expect(requests, `${svc}: request lines`).not.to.deep.equal([]);
      expect(requests.map((l) => l.correlationId), `${svc}: request correlation`).to.satisfy((ids: unknown[]) => ids.every((id) => id === correlationId));
      // Nothing else: every line of this trace belongs to the visit or to its order.
      const strays = traced[svc].filter((l) => l.correlationId !== correlationId && l.correlationId !== orderId);
      expect(strays, `${svc}: lines of the trace with another correlation`).to.deep.equal([]);
    }

    // The saga, hop by hop: each consumer logged the message it handled, in the checkout's trace, correlated by the order.
    const sagaSteps: [Service, string][] = [
      ['order', 'cart.cart.checked-out'],
      ['catalog', 'catalog.reserve-stock'],
      ['order', 'catalog.stock.reserved'],
      ['payment', 'payment.authorize-payment'],
      ['order', 'payment.payment.completed'],
      ['catalog', 'catalog.commit-stock'],
      ['cart', 'order.order.confirmed'],
    ];
    for (const [svc, type] of sagaSteps) {
      // At least once: a redelivery (deduplicated by the inbox) is handled, and logged, again.
      const lines = handled(traced[svc], type);
      expect(lines, `${svc} handled ${type}`).not.to.deep.equal([]);
      for (const line of lines) expect(line).to.include({ level: 'info', correlationId: orderId, messageId: lines[0]!.messageId });
    }
    // An event published while a request is handled carries the request's correlation: the address reached the cart that way.
    expect(handled(traced.cart, 'customer.address.added').map((l) => l.correlationId)).to.deep.equal([correlationId]);

    // And the other way round: no line of any service correlated with this order is outside the checkout's trace.
    const outside = SERVICES.flatMap((svc) => logLines(svc).filter((l) => l.correlationId === orderId && l.traceId !== traceId));
    expect(outside).to.deep.equal([]);
  });
});
