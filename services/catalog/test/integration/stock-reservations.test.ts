import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createLogger } from '@commerce/shared';
import { handleStockCommand } from '../../src/messaging/stock-commands.js';
import type { CacheInvalidation } from '../../src/cache/catalog-cache.js';
import { command, expectInvariants, levelOf, movementsOf, outboxEvents, stockedProduct, useStockDatabase } from '../support/stock-fixtures.js';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('stock commands against the real database', () => {
  const s = useStockDatabase();
  const invalidated: string[] = [];
  const cache: CacheInvalidation = { productsChanged: async (ids) => void invalidated.push(...ids), categoriesChanged: async () => undefined };
  const logger = createLogger('catalog-test', 'error');
  const handle = (type: string, data: Record<string, unknown>, messageId?: string) => handleStockCommand({ em: s.orm.em, logger, cache }, command(type, data, messageId));
  afterEach(() => {
    invalidated.length = 0;
  });

  it('when 100 reservations race for the last 10 units, then exactly 10 succeed, 90 are rejected, and the invariants hold', async () => {
    const productId = await stockedProduct(s, 10);
    const orders: string[] = Array.from({ length: 100 }, () => randomUUID());
    const outcomes = await Promise.all(orders.map((orderId) => handle('catalog.reserve-stock', { orderId, items: [{ productId, quantity: 1 }], expiresAt: inAnHour() })));

    expect(outcomes.filter((o) => o?.answer === 'reserved')).to.have.length(10);
    expect(outcomes.filter((o) => o?.answer === 'rejected')).to.have.length(90);
    expect(await levelOf(s, productId)).to.deep.equal({ onHand: 10, reserved: 10 });
    await expectInvariants(s, productId);
    const answers = await outboxEvents(s, { type: 'catalog.stock.reserved' });
    expect(answers.filter((e) => orders.includes(e.data.orderId as string))).to.have.length(10);
    const rejected = await outboxEvents(s, { type: 'catalog.stock.reservation-rejected' });
    expect(rejected.filter((e) => orders.includes(e.data.orderId as string))).to.have.length(90);
  });

  it('when 60 orders reserve the same products listed in different orders, then none deadlocks and the stock adds up', async () => {
    const products = [await stockedProduct(s, 40), await stockedProduct(s, 40), await stockedProduct(s, 40)];
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        // Each order names the products in another order; the guard sorts them, so locks are always taken A, B, C.
        const items = (i % 2 ? [...products].reverse() : [products[1]!, products[2]!, products[0]!]).map((productId) => ({ productId, quantity: 1 }));
        return handle('catalog.reserve-stock', { orderId: randomUUID(), items, expiresAt: inAnHour() });
      }),
    );
    expect(outcomes.filter((o) => o?.answer === 'reserved')).to.have.length(40);
    expect(outcomes.filter((o) => o?.answer === 'rejected')).to.have.length(20);
    for (const productId of products) {
      expect(await levelOf(s, productId)).to.deep.equal({ onHand: 40, reserved: 40 });
      await expectInvariants(s, productId);
    }
  });

  it('when the same reserve command is delivered twice, then it reserves once; a new command for the same order reserves nothing more and answers the same', async () => {
    const productId = await stockedProduct(s, 5);
    const orderId = randomUUID();
    const data = { orderId, items: [{ productId, quantity: 2 }], expiresAt: inAnHour() };
    const messageId = randomUUID();

    expect((await handle('catalog.reserve-stock', data, messageId))?.answer).to.equal('reserved');
    expect(await handle('catalog.reserve-stock', data, messageId), 'redelivery skipped by the inbox').to.equal(undefined);
    expect((await handle('catalog.reserve-stock', { ...data, items: [{ productId, quantity: 3 }] }))?.answer).to.equal('already-reserved');

    expect(await levelOf(s, productId)).to.deep.equal({ onHand: 5, reserved: 2 });
    const answers = await outboxEvents(s, { orderId, type: 'catalog.stock.reserved' });
    expect(answers.map((e) => e.data)).to.deep.equal([
      { orderId, items: [{ productId, quantity: 2 }], expiresAt: data.expiresAt },
      { orderId, items: [{ productId, quantity: 2 }], expiresAt: data.expiresAt },
    ]);
    expect((await movementsOf(s, productId)).filter((m) => m.kind === 'reservation')).to.have.length(1);
    await expectInvariants(s, productId);
  });

  it('when one item of an order is short, then nothing is reserved and the rejection lists every short item, unknown and archived ones at 0', async () => {
    const plenty = await stockedProduct(s, 50);
    const scarce = await stockedProduct(s, 1);
    const archived = await stockedProduct(s, 9, 'archived');
    const unknown = randomUUID();
    const orderId = randomUUID();
    const outcome = await handle('catalog.reserve-stock', {
      orderId,
      items: [
        { productId: plenty, quantity: 5 },
        { productId: scarce, quantity: 2 },
        { productId: archived, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ],
      expiresAt: inAnHour(),
    });

    expect(outcome?.answer).to.equal('rejected');
    for (const id of [plenty, scarce, archived]) {
      expect((await levelOf(s, id)).reserved).to.equal(0);
      await expectInvariants(s, id);
    }
    const [rejection] = await outboxEvents(s, { orderId, type: 'catalog.stock.reservation-rejected' });
    expect(rejection!.correlationId).to.equal(orderId);
    expect(rejection!.data.shortItems).to.have.deep.members([
      { productId: scarce, requested: 2, available: 1 },
      { productId: archived, requested: 1, available: 0 },
      { productId: unknown, requested: 1, available: 0 },
    ]);
    const reservations = await s.db.query('select 1 from reservations where order_id = $1', [orderId]);
    expect(reservations.rowCount).to.equal(0);
    expect(invalidated).to.deep.equal([]);
  });

  it('when a rejected order sends its reserve command again, then it is rejected the same way even though stock arrived meanwhile', async () => {
    const productId = await stockedProduct(s, 1);
    const orderId = randomUUID();
    const data = { orderId, items: [{ productId, quantity: 3 }], expiresAt: inAnHour() };
    expect((await handle('catalog.reserve-stock', data))?.answer).to.equal('rejected');
    await s.db.query('update inventory set on_hand = 100 where product_id = $1', [productId]);

    expect((await handle('catalog.reserve-stock', data))?.answer).to.equal('already-rejected');
    expect(await levelOf(s, productId)).to.deep.equal({ onHand: 100, reserved: 0 });
    const answers = await outboxEvents(s, { orderId, type: 'catalog.stock.reservation-rejected' });
    expect(answers.map((e) => e.data.shortItems)).to.deep.equal([
      [{ productId, requested: 3, available: 1 }],
      [{ productId, requested: 3, available: 1 }],
    ]);
  });

  it('when an order is reserved, committed, then restocked, then the figures, the movements, the answers and the cache follow each step', async () => {
    const a = await stockedProduct(s, 10);
    const b = await stockedProduct(s, 4);
    const orderId = randomUUID();
    await handle('catalog.reserve-stock', { orderId, items: [{ productId: a, quantity: 3 }, { productId: b, quantity: 4 }], expiresAt: inAnHour() });
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 10, reserved: 3 });
    expect(invalidated).to.have.members([a, b]);

    expect((await handle('catalog.commit-stock', { orderId }))?.answer).to.equal('committed');
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 7, reserved: 0 });
    expect(await levelOf(s, b)).to.deep.equal({ onHand: 0, reserved: 0 });
    expect((await handle('catalog.commit-stock', { orderId }))?.answer, 'a repeated commit confirms again, changes nothing').to.equal('committed');
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 7, reserved: 0 });

    expect((await handle('catalog.restock', { orderId, reason: 'cancelled by customer' }))?.answer).to.equal('restocked');
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 10, reserved: 0 });
    expect(await levelOf(s, b)).to.deep.equal({ onHand: 4, reserved: 0 });
    await handle('catalog.restock', { orderId, reason: 'again' });
    expect(await levelOf(s, a), 'a repeated restock adds nothing').to.deep.equal({ onHand: 10, reserved: 0 });

    expect((await movementsOf(s, a)).map((m) => [m.kind, m.delta_on_hand, m.delta_reserved, m.order_id, m.actor])).to.deep.equal([
      ['initial', 10, 0, null, 'system'],
      ['reservation', 0, 3, orderId, 'system'],
      ['commit', -3, -3, orderId, 'system'],
      ['restock', 3, 0, orderId, 'system'],
    ]);
    expect((await movementsOf(s, a)).at(-1)!.reason).to.equal('cancelled by customer');
    const answers = (await outboxEvents(s, { orderId })).map((e) => e.type);
    expect(answers).to.deep.equal(['catalog.stock.reserved', 'catalog.stock.committed', 'catalog.stock.committed', 'catalog.stock.restocked', 'catalog.stock.restocked']);
    const changes = (await outboxEvents(s, { productId: a, type: 'catalog.stock.changed' })).map((e) => e.data);
    expect(changes).to.deep.equal([
      { productId: a, available: 7, onHand: 10, reserved: 3 },
      { productId: a, available: 7, onHand: 7, reserved: 0 },
      { productId: a, available: 10, onHand: 10, reserved: 0 },
    ]);
    await expectInvariants(s, a);
    await expectInvariants(s, b);
  });

  it('when an order is released, then its held stock is available again, and a late commit confirms nothing', async () => {
    const a = await stockedProduct(s, 3);
    const orderId = randomUUID();
    await handle('catalog.reserve-stock', { orderId, items: [{ productId: a, quantity: 3 }], expiresAt: inAnHour() });
    expect((await handle('catalog.release-stock', { orderId, reason: 'PAYMENT_DECLINED' }))?.answer).to.equal('released');
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 3, reserved: 0 });
    const release = (await movementsOf(s, a)).at(-1)!;
    expect(release).to.include({ kind: 'release', delta_reserved: -3, reason: 'PAYMENT_DECLINED', order_id: orderId });

    expect((await handle('catalog.commit-stock', { orderId }))?.answer).to.equal('nothing-to-commit');
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 3, reserved: 0 });
    expect((await outboxEvents(s, { orderId })).map((e) => e.type)).to.deep.equal(['catalog.stock.reserved', 'catalog.stock.released']);
    expect((await outboxEvents(s, { orderId, type: 'catalog.stock.released' }))[0]!.data).to.deep.equal({ orderId, reason: 'PAYMENT_DECLINED' });
    await expectInvariants(s, a);
  });

  it('when a direct UPDATE breaks the stock invariants, then the database CHECK constraints reject it', async () => {
    const a = await stockedProduct(s, 3);
    const violation = async (sql: string) => {
      try {
        await s.db.query(sql, [a]);
      } catch (error) {
        return error as { code: string; constraint: string };
      }
      throw new Error(`accepted: ${sql}`);
    };
    expect(await violation('update inventory set reserved = on_hand + 1 where product_id = $1')).to.include({ code: '23514', constraint: 'inventory_on_hand_covers_reserved' });
    expect(await violation('update inventory set reserved = -1 where product_id = $1')).to.include({ code: '23514', constraint: 'inventory_reserved_not_negative' });
    expect(await violation('update inventory set on_hand = -1 where product_id = $1')).to.have.property('code', '23514');
    expect(await levelOf(s, a)).to.deep.equal({ onHand: 3, reserved: 0 });
  });
});
