import { expect } from 'chai';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startService, type ServiceConfig, type ServiceInfrastructure } from '../../src/service.js';
import { createOrm } from '../../src/db/orm.js';
import { messagingEntities } from '../../src/messaging/index.js';
import { quietLogger } from '../support/logger.js';
import { AMQP_URL, DATABASE_URL } from '../support/env.js';
import { eventually } from '../../src/testing/index.js';

const config: ServiceConfig = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'error',
  PORT: 0,
  DATABASE_URL,
  AMQP_URL,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  CORS_ORIGINS: '',
  TRUST_PROXY: 'loopback',
  RATE_LIMIT_PER_MINUTE: 1_000_000,
  SHUTDOWN_TIMEOUT_MS: 5_000,
};

const openDatabase = (url: string) => createOrm({ url, entities: messagingEntities, migrations: [], logger: quietLogger(), poolMax: 2 });

describe('startService: the composition every service shares', () => {
  it('when started, then ready reports the database, the broker and the extra checks, and close stops the service parts before the infrastructure', async () => {
    const closed: string[] = [];
    let infrastructure: ServiceInfrastructure | undefined;
    // The name picks contracts/openapi/<name>.yaml; the customer contract stands in for any.
    const service = await startService({
      name: 'customer',
      config,
      openDatabase,
      wire: (opened) => {
        infrastructure = opened;
        return {
          routes: () => undefined,
          closers: [() => void closed.push('consumer'), () => void closed.push('timer')],
          checks: { extra: async () => closed.length === 0 || Promise.reject(new Error('closing')) },
        };
      },
    });
    try {
      await infrastructure!.bus.waitForConnection(10_000);
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.equal({ status: 'up', checks: { database: 'up', broker: 'up', extra: 'up' } });
    } finally {
      await service.close();
    }
    expect(closed).to.deep.equal(['consumer', 'timer']);
    expect(infrastructure!.bus.isConnected()).to.equal(false);
    expect(await infrastructure!.orm.isConnected()).to.equal(false);
  });

  it('when wiring the service fails, then everything opened before is closed again and the error is the caller\'s', async () => {
    let orm: MikroORM | undefined;
    let infrastructure: ServiceInfrastructure | undefined;
    const error = await startService({
      name: 'customer',
      config,
      openDatabase: async (url) => (orm = await openDatabase(url)),
      wire: (opened) => {
        infrastructure = opened;
        throw new Error('a consumer could not start');
      },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error).with.property('message', 'a consumer could not start');
    expect(await orm!.isConnected()).to.equal(false);
    expect(infrastructure!.bus.isConnected()).to.equal(false);
    // QUIT is answered before the socket is closed: the status follows a moment later.
    await eventually(() => expect(infrastructure!.redis.status).to.be.oneOf(['end', 'close']), { timeoutMs: 5_000 });
  });
});
