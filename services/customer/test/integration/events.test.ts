import { expect } from 'chai';
import amqp from 'amqplib';
import { eventually } from '@commerce/shared/testing';
import { useCustomerService, uniqueEmail } from '../support/harness.js';

interface Envelope {
  type: string;
  messageId: string;
  correlationId: string;
  traceId: string;
  data: Record<string, unknown>;
}

describe('customer events on the bus', () => {
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
    await channel.bindQueue(queue, 'commerce.events', 'customer.customer.*');
    await channel.consume(queue, (msg) => msg && received.push(JSON.parse(msg.content.toString()) as Envelope), { noAck: true });
  });
  after(async () => {
    await connection?.close();
  });
  afterEach(() => {
    received.length = 0;
  });

  it('when a customer registers and deletes the account, then both events are published with the request trace id', async () => {
    const email = uniqueEmail();
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    const reg = await h.api.post<{ id: string }>(
      '/api/v1/auth/register',
      { email, password: 'long-enough-pw', name: 'Evented' },
      { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
    );
    const login = await h.api.post<{ accessToken: string }>('/api/v1/auth/login', { email, password: 'long-enough-pw' });
    await h.api.delete('/api/v1/customers/me', { token: login.body.accessToken });

    const mine = await eventually(() => {
      const events = received.filter((e) => e.data.customerId === reg.body.id);
      expect(events.map((e) => e.type)).to.deep.equal(['customer.customer.registered', 'customer.customer.deleted']);
      return events;
    });
    expect(mine[0]!.traceId).to.equal(traceId);
    expect(mine[0]!.data).to.have.keys('customerId', 'role', 'registeredAt');
    expect(JSON.stringify(mine)).not.to.contain(email);
    // The relay marks its rows published when its publish confirms, which can be just after a consumer has them.
    await eventually(async () => {
      const unpublished = await h.db.query('select count(*)::int as n from outbox where published_at is null');
      expect(unpublished.rows[0].n).to.equal(0);
    });
  });
});
