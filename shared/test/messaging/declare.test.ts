import { expect } from 'chai';
import amqp from 'amqplib';
import { createBus, createLogger, declareConsumerQueuesOnce } from '../../src/index.js';
import { AMQP_URL, uniqueName } from '../support/env.js';

describe('declareConsumerQueuesOnce (a consumer queue declared by the migrate step)', () => {
  it('when declared before any consumer, then events published meanwhile wait in it, and the consumer later declares the same queues without a conflict', async () => {
    const queue = uniqueName('kit.declared');
    const type = 'customer.customer.deleted';
    await declareConsumerQueuesOnce(AMQP_URL, { queue, bindings: [type] });
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      channel.publish('commerce.events', type, Buffer.from('{}'));
      await channel.close();
      const check = await connection.createChannel();
      const waited = async () => (await check.checkQueue(queue)).messageCount;
      for (let i = 0; i < 50 && (await waited()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await waited()).to.equal(1);
      for (const name of [`${queue}.retry.1`, `${queue}.retry.3`, `${queue}.dlq`]) expect((await check.checkQueue(name)).queue).to.equal(name);
      await check.purgeQueue(queue);
      // The bus declares the same topology on consume: same arguments, so no PRECONDITION_FAILED.
      const bus = createBus({ url: AMQP_URL, service: 'kit-test', logger: createLogger('kit-test', 'error') });
      try {
        await bus.waitForConnection(10_000);
        const consumer = await bus.consume({ queue, bindings: [type], handle: async () => undefined, retryDelaysMs: [1_000, 10_000, 60_000] });
        await consumer.stop();
      } finally {
        await bus.close();
      }
      for (const name of [queue, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.retry.3`, `${queue}.dlq`]) await check.deleteQueue(name);
    } finally {
      await connection.close();
    }
  });
});
