import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { MikroORM } from '../../src/db/orm.js';
import { Inbox, createEnvelope, type Bus, type Envelope } from '../../src/messaging/index.js';
import { TestBroker } from '../support/broker.js';
import { FAST_RETRIES_MS, openTestBus } from '../support/bus.js';
import { countRows, openMessagingOrm, truncateMessagingTables } from '../support/database.js';
import { uniqueName } from '../support/env.js';
import { ORDER_PLACED, createTestSchemas } from '../support/schemas.js';
import { sleep, waitFor } from '../support/wait.js';

/** The handler's effect: one row per application. No unique key on purpose, so a double effect would show. */
const EFFECTS_TABLE = 'messaging_test_effects';

describe('idempotent consumption through the inbox', () => {
  const fixture = createTestSchemas();
  let orm: MikroORM;
  let broker: TestBroker;
  let bus: Bus;

  const recordEffect = (envelope: Envelope) => (em: Parameters<Parameters<typeof Inbox.handle>[2]>[0]) =>
    em.getConnection().execute(`insert into ${EFFECTS_TABLE} (message_id) values (?)`, [envelope.messageId], 'run', em.getTransactionContext()).then(() => undefined);

  before(async () => {
    orm = await openMessagingOrm();
    await orm.em.fork().getConnection().execute(`create table if not exists ${EFFECTS_TABLE} (message_id uuid not null)`);
  });
  beforeEach(async () => {
    await truncateMessagingTables(orm);
    await orm.em.fork().getConnection().execute(`truncate ${EFFECTS_TABLE}`);
    broker = new TestBroker();
    bus = await openTestBus(broker, { schemas: fixture.schemas });
  });
  afterEach(async () => {
    await bus.close();
    await broker.cleanup();
  });
  after(async () => {
    await truncateMessagingTables(orm);
    await orm.em.fork().getConnection().execute(`drop table if exists ${EFFECTS_TABLE}`);
    await orm.close();
    fixture.remove();
  });

  it('when the same message is delivered twice, then its effect happens once and both deliveries are acked', async () => {
    const queue = broker.track(uniqueName('test.inbox'), FAST_RETRIES_MS.length);
    const outcomes: boolean[] = [];
    await bus.consume({
      queue,
      bindings: [ORDER_PLACED],
      handle: async (envelope) => {
        outcomes.push(await Inbox.handle(orm, envelope, recordEffect(envelope)));
      },
    });
    const message = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });
    await bus.publish(message);
    await bus.publish(message);

    await waitFor('both deliveries', () => outcomes.length === 2);
    expect(outcomes.sort()).to.deep.equal([false, true]);
    expect(await countRows(orm, `select 1 from ${EFFECTS_TABLE}`)).to.equal(1);
    expect(await countRows(orm, 'select 1 from inbox where message_id = ? and consumer = ?', [message.messageId, queue])).to.equal(1);
    await sleep(50);
    expect(await broker.depth(queue)).to.equal(0);
  });

  it('when the effect fails, then the inbox row rolls back with it and the retry applies the effect once', async () => {
    const queue = broker.track(uniqueName('test.inbox'), FAST_RETRIES_MS.length);
    let calls = 0;
    await bus.consume({
      queue,
      bindings: [ORDER_PLACED],
      handle: (envelope) =>
        Inbox.handle(orm, envelope, async (em) => {
          calls += 1;
          await recordEffect(envelope)(em);
          if (calls === 1) throw new Error('deadlock detected');
        }).then(() => undefined),
    });
    await bus.publish(createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } }));

    await waitFor('the retry', () => calls === 2);
    await waitFor('the effect committed', async () => (await countRows(orm, `select 1 from ${EFFECTS_TABLE}`)) === 1);
    expect(await countRows(orm, 'select 1 from inbox')).to.equal(1);
  });

  it('when two consumers of one service get the same event, then each applies it once', async () => {
    const message = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });
    const effects = [
      await Inbox.handle(orm, message, recordEffect(message), { consumer: 'cart.read-model' }),
      await Inbox.handle(orm, message, recordEffect(message), { consumer: 'cart.reopen' }),
      await Inbox.handle(orm, message, recordEffect(message), { consumer: 'cart.reopen' }),
    ];
    expect(effects).to.deep.equal([true, true, false]);
    expect(await countRows(orm, `select 1 from ${EFFECTS_TABLE}`)).to.equal(2);
  });

  it('when two deliveries race, then the effect still happens once', async () => {
    const message = createEnvelope({ type: ORDER_PLACED, data: { orderId: randomUUID(), amount: 1 } });
    const slowEffect = async (em: Parameters<Parameters<typeof Inbox.handle>[2]>[0]) => {
      await sleep(100);
      await recordEffect(message)(em);
    };
    const results = await Promise.all([Inbox.handle(orm, message, slowEffect, { consumer: 'q' }), Inbox.handle(orm, message, slowEffect, { consumer: 'q' })]);
    expect(results.sort()).to.deep.equal([false, true]);
    expect(await countRows(orm, `select 1 from ${EFFECTS_TABLE}`)).to.equal(1);
  });
});
