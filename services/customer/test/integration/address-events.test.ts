import { expect } from 'chai';
import amqp from 'amqplib';
import { eventually } from '@commerce/shared/testing';
import { useCustomerService } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';

interface Envelope {
  type: string;
  messageId: string;
  data: Record<string, unknown>;
}

const base = '/api/v1/customers/me/addresses';
const home = { line1: ' 1 Main Street ', city: 'Springfield', postalCode: '12345', country: 'US' };

describe('address events (customer.address.*) for the cart', () => {
  const h = useCustomerService();
  let connection: amqp.ChannelModel;
  let channel: amqp.Channel;
  let queue: string;
  const received: Envelope[] = [];

  before(async () => {
    connection = await amqp.connect(h.config.AMQP_URL, { noDelay: true });
    channel = await connection.createChannel();
    await channel.assertExchange('commerce.events', 'topic', { durable: true });
    ({ queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true }));
    await channel.bindQueue(queue, 'commerce.events', 'customer.address.*');
    await channel.consume(queue, (msg) => msg && received.push(JSON.parse(msg.content.toString()) as Envelope), { noAck: true });
  });
  after(async () => {
    await connection?.close();
  });
  afterEach(() => {
    received.length = 0;
  });

  /**
   * In insert order (seq). Under the address row lock a later change inserts its row only after the
   * earlier one committed, so seq is commit order; created_at is the transaction's start and is not.
   */
  const outboxRows = async (addressId: string) =>
    (
      await h.db.query<{ type: string; data: Record<string, unknown>; published: boolean }>(
        "select type, payload->'data' as data, published_at is not null as published from outbox where payload->'data'->>'addressId' = $1 order by seq",
        [addressId],
      )
    ).rows;

  it('when an address is added, updated and removed, then each change writes its event to the outbox and it is published with the address data', async () => {
    const me = await signedUpCustomer(h.api);
    const created = await h.api.post<{ id: string }>(base, home, { token: me.accessToken });
    expect(created.status).to.equal(201);
    const addressId = created.body.id;
    expect((await h.api.patch(`${base}/${addressId}`, { line2: 'Apt 4', city: 'Shelbyville' }, { token: me.accessToken })).status).to.equal(200);
    expect((await h.api.delete(`${base}/${addressId}`, { token: me.accessToken })).status).to.equal(204);

    const added = { customerId: me.id, addressId, line1: '1 Main Street', line2: null, city: 'Springfield', postalCode: '12345', country: 'US' };
    const updated = { ...added, line2: 'Apt 4', city: 'Shelbyville' };
    const removed = { customerId: me.id, addressId };

    const rows = await outboxRows(addressId);
    expect(rows.map((r) => r.type)).to.deep.equal(['customer.address.added', 'customer.address.updated', 'customer.address.removed']);
    expect(rows.map((r) => r.data)).to.deep.equal([added, updated, removed]);

    const mine = await eventually(() => {
      const events = received.filter((e) => e.data.addressId === addressId);
      expect(events.map((e) => e.type)).to.deep.equal(['customer.address.added', 'customer.address.updated', 'customer.address.removed']);
      return events;
    });
    expect(mine.map((e) => e.data)).to.deep.equal([added, updated, removed]);
    // Shipping data only: neither the email nor the name travels with an address.
    expect(JSON.stringify(mine)).not.to.contain(me.email).and.not.to.contain('Test Customer');
    await eventually(async () => expect((await outboxRows(addressId)).every((r) => r.published)).to.equal(true));
  });

  it('when a change fails (another customer, limit reached), then no address event is written', async () => {
    const owner = await signedUpCustomer(h.api);
    const intruder = await signedUpCustomer(h.api);
    const { body } = await h.api.post<{ id: string }>(base, home, { token: owner.accessToken });
    expect((await h.api.patch(`${base}/${body.id}`, { city: 'Elsewhere' }, { token: intruder.accessToken })).status).to.equal(404);
    expect((await h.api.delete(`${base}/${body.id}`, { token: intruder.accessToken })).status).to.equal(404);
    expect((await outboxRows(body.id)).map((r) => r.type)).to.deep.equal(['customer.address.added']);

    for (let i = 1; i < 20; i++) expect((await h.api.post(base, { ...home, line1: `${i} Main` }, { token: owner.accessToken })).status).to.equal(201);
    const over = await h.api.post<{ code: string }>(base, { ...home, line1: '21 Main' }, { token: owner.accessToken });
    expect(over.body.code).to.equal('ADDRESS_LIMIT_REACHED');
    const added = await h.db.query<{ n: number }>(
      "select count(*)::int as n from outbox where type = 'customer.address.added' and payload->'data'->>'customerId' = $1",
      [owner.id],
    );
    expect(added.rows[0]!.n).to.equal(20);
  });

  it('when one address is updated by concurrent requests, then every update is announced and the last event matches the stored address', async () => {
    const me = await signedUpCustomer(h.api);
    const { body } = await h.api.post<{ id: string }>(base, home, { token: me.accessToken });
    const cities = ['A-town', 'B-town', 'C-town', 'D-town', 'E-town'];
    const answers = await Promise.all(cities.map((city) => h.api.patch(`${base}/${body.id}`, { city }, { token: me.accessToken })));
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200]);

    const rows = await outboxRows(body.id);
    expect(rows.filter((r) => r.type === 'customer.address.updated')).to.have.length(5);
    const stored = await h.db.query<{ city: string }>('select city from addresses where id = $1', [body.id]);
    expect(rows.at(-1)!.data.city).to.equal(stored.rows[0]!.city);
  });
});
