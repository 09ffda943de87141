import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { createOrm, type MikroORM } from '../../src/db/orm.js';
import {
  MessageSchemas,
  MessageValidationError,
  Outbox,
  UnknownMessageTypeError,
  createEnvelope,
  findContractsDir,
  InboxRecordSchema,
} from '../../src/messaging/index.js';
import { countRows, openMessagingOrm, truncateMessagingTables } from '../support/database.js';
import { DATABASE_URL } from '../support/env.js';
import { quietLogger } from '../support/logger.js';
import { ORDER_PLACED, createTestSchemas } from '../support/schemas.js';

describe('message schemas', () => {
  const fixture = createTestSchemas();
  let orm: MikroORM;
  let outbox: Outbox;

  before(async () => {
    orm = await openMessagingOrm();
    outbox = new Outbox(fixture.schemas);
  });
  beforeEach(() => truncateMessagingTables(orm));
  after(async () => {
    await truncateMessagingTables(orm);
    await orm.close();
    fixture.remove();
  });

  it('when publishing a type without a schema, then Outbox.add throws and no row is written', async () => {
    const em = orm.em.fork();
    expect(() => outbox.add(em, { type: 'test.order.vanished', data: {} })).to.throw(UnknownMessageTypeError, 'test.order.vanished');
    await em.flush();
    expect(await countRows(orm, 'select 1 from outbox')).to.equal(0);
  });

  it('when the data breaks its schema, then Outbox.add throws naming the field and no row is written', async () => {
    const em = orm.em.fork();
    const add = () => outbox.add(em, { type: ORDER_PLACED, data: { orderId: 'not-a-uuid', amount: -1 } });
    expect(add).to.throw(MessageValidationError).with.property('violations').that.deep.includes({ path: '/data/amount', message: 'must be >= 0' });
    expect(add).to.throw(/\/data\/orderId must match format "uuid"/);
    await em.flush();
    expect(await countRows(orm, 'select 1 from outbox')).to.equal(0);
  });

  it('when the data is valid, then Outbox.add writes the envelope at the next flush', async () => {
    const em = orm.em.fork();
    const envelope = outbox.add(em, { type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 3 } });
    expect(await countRows(orm, 'select 1 from outbox')).to.equal(0);
    await em.flush();
    const rows = await orm.em.fork().getConnection().execute<{ payload: unknown; routing_key: string }[]>('select payload, routing_key from outbox');
    expect(rows).to.have.length(1);
    expect(rows[0]!.routing_key).to.equal(ORDER_PLACED);
    expect(rows[0]!.payload).to.deep.equal(envelope);
  });

  it('when the ORM lacks the messaging entities, then Outbox.add says how to fix it', async () => {
    const bare = await createOrm({ url: DATABASE_URL, entities: [InboxRecordSchema], migrations: [], logger: quietLogger() });
    try {
      expect(() => outbox.add(bare.em.fork(), { type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } })).to.throw('add messagingEntities');
    } finally {
      await bare.close();
    }
  });

  it('when the envelope is malformed, then validation rejects it', () => {
    const good = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });
    expect(() => fixture.schemas.validate(good)).not.to.throw();
    expect(() => fixture.schemas.validate({ ...good, messageId: 'x' })).to.throw(MessageValidationError, '/messageId');
    expect(() => fixture.schemas.validate({ ...good, extra: true })).to.throw(MessageValidationError, 'additional properties');
    const { traceId: _, ...withoutTrace } = good;
    expect(() => fixture.schemas.validate(withoutTrace)).to.throw(MessageValidationError, 'traceId');
    expect(() => fixture.schemas.parse('{"half":')).to.throw(MessageValidationError, 'not JSON');
  });

  it('when looking for the contracts, then they are found from any folder of the repo and not from outside it', () => {
    const dir = findContractsDir();
    expect(dir).to.match(/contracts[/\\]events$/);
    expect(findContractsDir([join(dir, '..', '..', 'shared', 'src', 'messaging')])).to.equal(dir);
    expect(() => findContractsDir([tmpdir()])).to.throw('contracts/events not found');
  });

  it('when a schema refers to shared definitions in a _ file, then the reference resolves and the _ file is no message type', () => {
    const own = createTestSchemas({
      _amount: { $id: '_amount.schema.json', type: 'integer', minimum: 1 },
      'test.payment.authorized': {
        type: 'object',
        required: ['amount'],
        properties: { amount: { $ref: '_amount.schema.json' } },
      },
    });
    try {
      expect(own.schemas.types()).to.deep.equal(['test.payment.authorized']);
      const payment = (amount: number) => createEnvelope({ type: 'test.payment.authorized', data: { amount } });
      expect(() => own.schemas.validate(payment(5))).not.to.throw();
      expect(() => own.schemas.validate(payment(0))).to.throw(MessageValidationError, '/data/amount must be >= 1');
    } finally {
      own.remove();
    }
  });

  it('when loading the real contracts, then every schema compiles under strict draft 2020-12', () => {
    const schemas = MessageSchemas.load();
    for (const type of schemas.types()) {
      const words = type.split('.');
      expect(words.length, type).to.be.within(2, 3);
      for (const word of words) expect(word, type).to.match(/^[a-z][a-z0-9-]*$/);
    }
  });
});
