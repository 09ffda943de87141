import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createLogger } from '@commerce/shared';
import { eventually } from '@commerce/shared/testing';
import { ReservationSweeper } from '../../src/sweeper.js';
import { handleStockCommand } from '../../src/messaging/stock-commands.js';
import type { CacheInvalidation } from '../../src/cache/catalog-cache.js';
import { command, expectInvariants, levelOf, movementsOf, outboxEvents, stockedProduct, useStockDatabase } from '../support/stock-fixtures.js';

describe('reservation sweeper', () => {
  const s = useStockDatabase(10);
  const logger = createLogger('catalog-test', 'error');
  const invalidated: string[] = [];
  const cache: CacheInvalidation = { productsChanged: async (ids) => void invalidated.push(...ids), categoriesChanged: async () => undefined };
  let sweeper: ReservationSweeper | undefined;
  afterEach(async () => {
    await sweeper?.stop();
    invalidated.length = 0;
  });

  const reserve = (orderId: string, productId: string, quantity: number, expiresAt: Date) =>
    handleStockCommand({ em: s.orm.em, logger, cache }, command('catalog.reserve-stock', { orderId, items: [{ productId, quantity }], expiresAt: expiresAt.toISOString() }));

  it('when a held reservation passes its deadline, then the sweeper releases it, answers released (expired) and counts it; live ones stay held', async () => {
    const productId = await stockedProduct(s, 10);
    const expiring = randomUUID();
    const live = randomUUID();
    await reserve(expiring, productId, 4, new Date(Date.now() + 300));
    await reserve(live, productId, 1, new Date(Date.now() + 3_600_000));
    expect(await levelOf(s, productId)).to.deep.equal({ onHand: 10, reserved: 5 });

    const registry = new Registry();
    sweeper = new ReservationSweeper({ em: s.orm.em, logger, cache, intervalMs: 50, registry });
    sweeper.start();

    await eventually(async () => expect(await levelOf(s, productId)).to.deep.equal({ onHand: 10, reserved: 1 }), { timeoutMs: 5_000 });
    const statuses = await s.db.query('select order_id, status from reservations where product_id = $1', [productId]);
    expect(Object.fromEntries(statuses.rows.map((r) => [r.order_id, r.status]))).to.deep.equal({ [expiring]: 'released', [live]: 'held' });
    expect((await movementsOf(s, productId)).at(-1)).to.include({ kind: 'release', delta_reserved: -4, reason: 'expired', order_id: expiring, actor: 'system' });
    const [released] = await outboxEvents(s, { orderId: expiring, type: 'catalog.stock.released' });
    expect(released!.data).to.deep.equal({ orderId: expiring, reason: 'expired' });
    expect(released!.correlationId).to.equal(expiring);
    expect(invalidated).to.include(productId);
    const counter = await registry.getSingleMetric('catalog_reservations_expired_total')!.get();
    expect(counter.values[0]!.value).to.be.at.least(1);
    await expectInvariants(s, productId);
  });

  it('when two replicas sweep the same expired reservations at once, then each is released exactly once', async () => {
    const productId = await stockedProduct(s, 30);
    const orders: string[] = Array.from({ length: 15 }, () => randomUUID());
    for (const orderId of orders) await reserve(orderId, productId, 2, new Date(Date.now() - 1_000));
    const replicas = [1, 2].map(() => new ReservationSweeper({ em: s.orm.em, logger, cache, intervalMs: 60_000 }));

    const released = await Promise.all(replicas.map((r) => r.sweepOnce()));
    expect(released[0]! + released[1]!).to.equal(15);
    expect(await levelOf(s, productId)).to.deep.equal({ onHand: 30, reserved: 0 });
    expect((await movementsOf(s, productId)).filter((m) => m.kind === 'release')).to.have.length(15);
    const answers = await outboxEvents(s, { type: 'catalog.stock.released' });
    expect(answers.filter((e) => orders.includes(e.data.orderId as string))).to.have.length(15);
    await expectInvariants(s, productId);
  });

  it('when a commit holds the expired reservation, then the sweeper skips it and the commit wins', async () => {
    const productId = await stockedProduct(s, 2);
    const orderId = randomUUID();
    await reserve(orderId, productId, 2, new Date(Date.now() - 1_000));
    sweeper = new ReservationSweeper({ em: s.orm.em, logger, cache, intervalMs: 60_000 });

    const locker = await s.db.connect();
    try {
      await locker.query('begin');
      await locker.query('select * from reservations where order_id = $1 for update', [orderId]);
      expect(await sweeper.sweepOnce(), 'locked rows are skipped, not waited for').to.equal(0);
      await locker.query('rollback');
    } finally {
      locker.release();
    }
    const committed = await handleStockCommand({ em: s.orm.em, logger, cache }, command('catalog.commit-stock', { orderId }));
    expect(committed?.answer).to.equal('committed');
    expect(await sweeper.sweepOnce()).to.equal(0);
    expect(await levelOf(s, productId)).to.deep.equal({ onHand: 0, reserved: 0 });
    await expectInvariants(s, productId);
  });
});
