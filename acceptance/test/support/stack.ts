import type { Context } from 'mocha';
import type { Service } from '../../src/env.js';
import { checkInvariants, formatReport, type InvariantReport } from '../../src/invariants.js';
import { GATEWAY_URL, Stack, availableServices } from '../../src/stack.js';
import { Shop } from '../../src/client.js';
import { startBroker, tcpOpen } from '../../src/broker.js';
import { eventually } from '@commerce/shared/testing';

/**
 * One stack for the whole run, started by the first test that needs it (unit tests never do):
 * starting five services takes tens of seconds, and every test makes its own customers and
 * products, so sharing it keeps the tests independent of each other and of their order.
 */
export interface Acceptance {
  stack: Stack;
  shop: Shop;
  adminToken: string;
  /** The invariant checker on the acceptance databases. */
  invariants(): Promise<InvariantReport>;
  /** Waits (up to `timeoutMs`) until no saga is in flight and the three databases agree. */
  expectConsistent(timeoutMs?: number): Promise<InvariantReport>;
}

/** The deadlines of a normal run: generous, so 100 checkouts at once on 2 cores never time out. */
export const STACK_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  ORDER_SAGA_SWEEP_INTERVAL_MS: '250',
  RESERVATION_SWEEP_INTERVAL_MS: '1000',
};

/** Where the stack's RabbitMQ listens (from its AMQP_URL). */
export function brokerAddress(stack: Stack): { host: string; port: number } {
  const url = new URL(stack.env.customer.AMQP_URL as string);
  return { host: url.hostname, port: Number(url.port || 5672) };
}

let started: Promise<Acceptance> | undefined;

async function start(): Promise<Acceptance> {
  // The broker-outage test always starts RabbitMQ again; should a killed run have left it
  // stopped, the suite would only time out, so bring it back first.
  const stack = new Stack({ env: STACK_ENV });
  const broker = brokerAddress(stack);
  if (!(await tcpOpen(broker.host, broker.port))) await startBroker(broker.port);
  const admin = await stack.start().catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  const shop = new Shop(GATEWAY_URL);
  const adminToken = await shop.login(admin.email, admin.password);
  const dbs = {
    catalogDb: stack.env.catalog.DATABASE_URL as string,
    orderDb: stack.env.order.DATABASE_URL as string,
    paymentDb: stack.env.payment.DATABASE_URL as string,
  };
  const invariants = () => checkInvariants(dbs);
  const expectConsistent = (timeoutMs = 30_000) =>
    eventually(
      async () => {
        const report = await invariants();
        if (report.inFlight.length > 0 || report.disagreements.length > 0) throw new Error(`invariants do not hold:\n${formatReport(report)}`);
        return report;
      },
      { timeoutMs, intervalMs: 500 },
    );
  return { stack, shop, adminToken, invariants, expectConsistent };
}

/** The shared stack, started once for the whole run; all five services must exist. */
export async function acceptance(context: Context): Promise<Acceptance> {
  const required: Service[] = ['customer', 'catalog', 'cart', 'order', 'payment'];
  const present = availableServices();
  const missing = required.filter((svc) => !present.includes(svc));
  if (missing.length > 0) throw new Error(`the acceptance suite needs every service; missing: ${missing.join(', ')}`);
  context.timeout(180_000);
  started ??= start();
  return started;
}

export async function stopStack(): Promise<void> {
  if (!started) return;
  const running = await started.catch(() => undefined);
  started = undefined;
  if (!running) return;
  await running.stack.stop();
  const left = running.stack.leftovers();
  if (left.length > 0) throw new Error(`processes left after the acceptance stack stopped: ${left.join(', ')}`);
}
