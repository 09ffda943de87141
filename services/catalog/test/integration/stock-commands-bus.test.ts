import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { useCatalogService } from '../support/harness.js';
import { useStockBus } from '../support/stock-bus.js';

interface Inventory {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
}

describe('stock commands through the bus: /catalog.stock-commands', () => {
  const h = useCatalogService({ RESERVATION_SWEEP_INTERVAL_MS: '100' });
  const bus = useStockBus(() => h.config.AMQP_URL);

  const product = async (initialStock: number) => {
    const res = await h.api.post<{ id: string }>(
      '/api/v1/products',
      { sku: `bus-${randomUUID().slice(0, 8)}`, name: 'Bus item', description: '', priceCents: 500, initialStock },
      { token: h.adminToken() },
    );
    expect(res.status).to.equal(201);
    return res.body.id;
  };
  const inventory = async (productId: string) => (await h.api.get<Inventory>(`/api/v1/products/${productId}/inventory`, { token: h.adminToken() })).body;
  const typesOf = (orderId: string) => bus.eventsOf(orderId).map((e) => e.type);
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  it('when an order is reserved, committed and restocked over the bus, then each answer and stock.changed is published and the levels follow', async () => {
    const productId = await product(10);
    const orderId = randomUUID();
    const expiresAt = inAnHour();
    const reserve = await bus.send('catalog.reserve-stock', { orderId, items: [{ productId, quantity: 4 }], expiresAt });

    const [reserved] = await eventually(() => {
      const events = bus.eventsOf(orderId);
      expect(events.map((e) => e.type)).to.deep.equal(['catalog.stock.reserved']);
      return events;
    });
    expect(reserved!.data).to.deep.equal({ orderId, items: [{ productId, quantity: 4 }], expiresAt });
    expect(reserved!.correlationId).to.equal(orderId);
    expect(reserved!.causationId).to.equal(reserve.messageId);
    expect(await inventory(productId)).to.deep.equal({ productId, onHand: 10, reserved: 4, available: 6 });
    // The cache of the product page was invalidated after the commit: it shows the new availability.
    expect((await h.api.get<{ available: number }>(`/api/v1/products/${productId}`)).body.available).to.equal(6);

    await bus.send('catalog.commit-stock', { orderId });
    await eventually(() => expect(typesOf(orderId)).to.deep.equal(['catalog.stock.reserved', 'catalog.stock.committed']));
    expect(await inventory(productId)).to.deep.equal({ productId, onHand: 6, reserved: 0, available: 6 });

    await bus.send('catalog.restock', { orderId, reason: 'cancelled by customer' });
    await eventually(() => expect(typesOf(orderId)).to.deep.equal(['catalog.stock.reserved', 'catalog.stock.committed', 'catalog.stock.restocked']));
    expect(await inventory(productId)).to.deep.equal({ productId, onHand: 10, reserved: 0, available: 10 });

    await eventually(() =>
      expect(bus.eventsOf(productId).filter((e) => e.type === 'catalog.stock.changed').map((e) => e.data)).to.deep.include.members([
        { productId, available: 6, onHand: 10, reserved: 4 },
        { productId, available: 6, onHand: 6, reserved: 0 },
        { productId, available: 10, onHand: 10, reserved: 0 },
      ]),
    );
  });

  it('when an order is released over the bus, then released is answered with its reason and the stock is available again', async () => {
    const productId = await product(2);
    const orderId = randomUUID();
    await bus.send('catalog.reserve-stock', { orderId, items: [{ productId, quantity: 2 }], expiresAt: inAnHour() });
    await eventually(() => expect(typesOf(orderId)).to.deep.equal(['catalog.stock.reserved']));
    await bus.send('catalog.release-stock', { orderId, reason: 'PAYMENT_DECLINED' });
    const released = await eventually(() => {
      const event = bus.eventsOf(orderId).find((e) => e.type === 'catalog.stock.released');
      expect(event).to.not.equal(undefined);
      return event!;
    });
    expect(released.data).to.deep.equal({ orderId, reason: 'PAYMENT_DECLINED' });
    expect(await inventory(productId)).to.deep.equal({ productId, onHand: 2, reserved: 0, available: 2 });
  });

  it('when the same reserve message is delivered twice, then stock is reserved once and answered once', async () => {
    const productId = await product(5);
    const orderId = randomUUID();
    const messageId = randomUUID();
    const data = { orderId, items: [{ productId, quantity: 3 }], expiresAt: inAnHour() };
    await bus.send('catalog.reserve-stock', data, messageId);
    await bus.send('catalog.reserve-stock', data, messageId);
    await eventually(() => expect(typesOf(orderId)).to.deep.equal(['catalog.stock.reserved']));
    // Both deliveries are handled (inbox rows) before we look at the figures.
    await eventually(async () => {
      const { rows } = await h.db.query(`select count(*)::int as n from inbox where message_id = $1`, [messageId]);
      expect(rows[0].n).to.equal(1);
    });
    expect(await inventory(productId)).to.deep.equal({ productId, onHand: 5, reserved: 3, available: 2 });
  });

  const reservationsRejected = async () => {
    const line = (await h.api.get<string>('/metrics')).body.split('\n').find((l) => l.startsWith('stock_reservations_rejected_total{'));
    return Number(line?.split(' ').pop() ?? 0);
  };

  it('when one item of an order is short, then nothing is reserved, reservation-rejected lists the short item, and it is counted once', async () => {
    const plenty = await product(10);
    const scarce = await product(1);
    const orderId = randomUUID();
    const rejectedBefore = await reservationsRejected();
    const items = [{ productId: plenty, quantity: 2 }, { productId: scarce, quantity: 2 }];
    await bus.send('catalog.reserve-stock', { orderId, items, expiresAt: inAnHour() });
    const rejected = await eventually(() => {
      const [event] = bus.eventsOf(orderId);
      expect(event?.type).to.equal('catalog.stock.reservation-rejected');
      return event!;
    });
    expect(rejected.data).to.deep.equal({ orderId, shortItems: [{ productId: scarce, requested: 2, available: 1 }] });
    expect((await inventory(plenty)).reserved).to.equal(0);
    expect((await inventory(scarce)).reserved).to.equal(0);
    await eventually(async () => expect(await reservationsRejected()).to.equal(rejectedBefore + 1));

    // The saga asks again for the same order: the same answer, not a second rejection.
    await bus.send('catalog.reserve-stock', { orderId, items, expiresAt: inAnHour() });
    await eventually(() => expect(typesOf(orderId)).to.deep.equal(['catalog.stock.reservation-rejected', 'catalog.stock.reservation-rejected']));
    expect(await reservationsRejected()).to.equal(rejectedBefore + 1);
    // A reservation that succeeds is not a rejection either.
    const reservedOrderId = randomUUID();
    await bus.send('catalog.reserve-stock', { orderId: reservedOrderId, items: [{ productId: plenty, quantity: 1 }], expiresAt: inAnHour() });
    await eventually(() => expect(typesOf(reservedOrderId)).to.deep.equal(['catalog.stock.reserved']));
    expect(await reservationsRejected()).to.equal(rejectedBefore + 1);
  });

  it('when a reservation passes its deadline, then the service sweeper releases it, answers released (expired) and counts it', async () => {
    const productId = await product(3);
    const orderId = randomUUID();
    await bus.send('catalog.reserve-stock', { orderId, items: [{ productId, quantity: 3 }], expiresAt: new Date(Date.now() + 500).toISOString() });
    await eventually(() => expect(typesOf(orderId)).to.include('catalog.stock.reserved'));

    const released = await eventually(() => {
      const event = bus.eventsOf(orderId).find((e) => e.type === 'catalog.stock.released');
      expect(event).to.not.equal(undefined);
      return event!;
    });
    expect(released.data).to.deep.equal({ orderId, reason: 'expired' });
    expect(await inventory(productId)).to.deep.equal({ productId, onHand: 3, reserved: 0, available: 3 });
    const metrics = await h.api.get<string>('/metrics');
    expect(metrics.body).to.match(/catalog_reservations_expired_total\{[^}]*\} [1-9]/);
  });
});
