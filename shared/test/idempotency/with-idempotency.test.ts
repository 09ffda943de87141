import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EntityManager, MikroORM } from '../../src/db/orm.js';
import { UnprocessableError, ValidationError } from '../../src/errors.js';
import { withIdempotency, type StoredResponse } from '../../src/idempotency/index.js';
import { sleep } from '../support/wait.js';
import { EFFECTS_TABLE, effects, openIdempotencyOrm, recordEffect, storedKeys } from './support.js';

describe('withIdempotency (against the kit test database)', () => {
  let orm: MikroORM;
  let scope: string;

  before(async () => {
    orm = await openIdempotencyOrm();
  });
  beforeEach(() => {
    // A scope per test: runs sharing the database never see each other's keys.
    scope = `test:checkout:${randomUUID()}`;
  });
  after(async () => {
    await orm.em.fork().getConnection().execute("delete from idempotency_keys where scope like 'test:%'");
    await orm.em.fork().getConnection().execute(`drop table if exists ${EFFECTS_TABLE}`);
    await orm.close();
  });

  /** A use case: records its effect (labelled with the key) and answers 202 with a Location. */
  function checkout(label: string, calls: { n: number }, delayMs = 0) {
    return async (tx: EntityManager): Promise<StoredResponse> => {
      calls.n += 1;
      await recordEffect(tx, label);
      if (delayMs) await sleep(delayMs);
      const orderId = randomUUID();
      return { status: 202, headers: { Location: `/api/v1/orders/${orderId}` }, body: { orderId, status: 'pending' } };
    };
  }

  const run = (key: string, request: unknown, work: (tx: EntityManager) => Promise<StoredResponse>, s = scope) =>
    withIdempotency(orm.em.fork(), { scope: s, key, request }, work);

  it('when a key is used for the first time, then work runs once and its response is stored with the key', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const { response, replayed } = await run(key, { shippingAddressId: 'a1', paymentToken: 'tok_1' }, checkout(key, calls));

    expect(replayed).to.equal(false);
    expect(calls.n).to.equal(1);
    expect(response.status).to.equal(202);
    expect(response.headers.Location).to.match(/^\/api\/v1\/orders\//);
    expect(await effects(orm, key)).to.equal(1);
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute<{ fingerprint: string; response_status: number; response_headers: unknown; response_body: unknown }[]>(
        'select fingerprint, response_status, response_headers, response_body from idempotency_keys where scope = ? and key = ?',
        [scope, key],
      );
    expect(row!.fingerprint).to.match(/^[0-9a-f]{64}$/);
    expect(row!.response_status).to.equal(202);
    expect(row!.response_headers).to.deep.equal(response.headers);
    expect(row!.response_body).to.deep.equal(response.body);
  });

  it('when the same key comes again with the same request, then the stored response is replayed and work does not run', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const first = await run(key, { shippingAddressId: 'a1', paymentToken: 'tok_1' }, checkout(key, calls));
    const second = await run(key, { shippingAddressId: 'a1', paymentToken: 'tok_1' }, checkout(key, calls));

    expect(calls.n).to.equal(1);
    expect(second.replayed).to.equal(true);
    expect(second.response).to.deep.equal(first.response);
    // The very same text, keys in the same order: a client comparing bytes sees no difference.
    expect(JSON.stringify(second.response.body)).to.equal(JSON.stringify(first.response.body));
    expect(await effects(orm, key)).to.equal(1);
  });

  it('when the same key comes with a different request, then it is a 422 IDEMPOTENCY_KEY_REUSED and work does not run', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    await run(key, { shippingAddressId: 'a1', paymentToken: 'tok_1' }, checkout(key, calls));
    let caught: unknown;
    await run(key, { shippingAddressId: 'a2', paymentToken: 'tok_1' }, checkout(key, calls)).catch((error: unknown) => (caught = error));

    expect(caught).to.be.instanceOf(UnprocessableError);
    expect(caught).to.include({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(calls.n).to.equal(1);
    expect(await effects(orm, key)).to.equal(1);
  });

  it('when the body repeats with its keys in another order (at any depth), then it is the same request and is replayed', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    await run(key, { paymentToken: 'tok_1', shippingAddressId: 'a1', meta: { b: 2, a: [1, { y: 1, x: 2 }] } }, checkout(key, calls));
    const again = await run(key, { meta: { a: [1, { x: 2, y: 1 }], b: 2 }, shippingAddressId: 'a1', paymentToken: 'tok_1' }, checkout(key, calls));

    expect(again.replayed).to.equal(true);
    expect(calls.n).to.equal(1);
  });

  it('when work throws, then nothing is stored (neither the key nor its writes) and a retry with the key runs work again', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const failing = async (tx: EntityManager): Promise<StoredResponse> => {
      await checkout(key, calls)(tx);
      throw new Error('payment provider timed out');
    };
    await run(key, { paymentToken: 'tok_1' }, failing).then(
      () => expect.fail('should have thrown'),
      (error: Error) => expect(error.message).to.equal('payment provider timed out'),
    );
    expect(await storedKeys(orm, scope)).to.deep.equal([]);
    expect(await effects(orm, key)).to.equal(0);

    const retry = await run(key, { paymentToken: 'tok_1' }, checkout(key, calls));
    expect(retry.replayed).to.equal(false);
    expect(calls.n).to.equal(2);
    expect(await effects(orm, key)).to.equal(1);
    expect(await storedKeys(orm, scope)).to.have.length(1);
  });

  it("when storing the response fails after work's writes, then work's writes roll back with it", async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const unstorable = async (tx: EntityManager): Promise<StoredResponse> => {
      await checkout(key, calls)(tx);
      return { status: 2 ** 40, headers: {}, body: { orderId: 'x' } }; // out of the int column's range
    };
    let caught: unknown;
    await run(key, {}, unstorable).catch((error: unknown) => (caught = error));

    expect(caught).to.be.instanceOf(Error);
    expect(calls.n).to.equal(1);
    expect(await effects(orm, key)).to.equal(0);
    expect(await storedKeys(orm, scope)).to.deep.equal([]);
  });

  it('when the caller rolls back its own transaction around it, then the stored response rolls back too', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const rollback = new Error('rollback');
    await orm.em
      .fork()
      .transactional(async (outer) => {
        await withIdempotency(outer, { scope, key, request: {} }, checkout(key, calls));
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(calls.n).to.equal(1);
    expect(await effects(orm, key)).to.equal(0);
    expect(await storedKeys(orm, scope)).to.deep.equal([]);
  });

  it('when two requests with one key race, then work runs once and both get the same response', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const results = await Promise.all([
      run(key, { paymentToken: 'tok_1' }, checkout(key, calls, 200)),
      run(key, { paymentToken: 'tok_1' }, checkout(key, calls, 200)),
    ]);

    expect(calls.n).to.equal(1);
    expect(await effects(orm, key)).to.equal(1);
    expect(results.map((r) => r.replayed).sort()).to.deep.equal([false, true]);
    expect(results[0]!.response).to.deep.equal(results[1]!.response);
  });

  it('when ten requests with one key race, then work runs once and all ten get the same response', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const results = await Promise.all(Array.from({ length: 10 }, () => run(key, { paymentToken: 'tok_1' }, checkout(key, calls, 50))));

    expect(calls.n).to.equal(1);
    expect(results.filter((r) => !r.replayed)).to.have.length(1);
    for (const result of results) expect(result.response).to.deep.equal(results[0]!.response);
  });

  it('when the first of two racing requests fails, then the waiting one runs work itself', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const failing = async (tx: EntityManager): Promise<StoredResponse> => {
      await checkout(key, calls)(tx);
      await sleep(150);
      throw new Error('first attempt failed');
    };
    const first = run(key, { paymentToken: 'tok_1' }, failing);
    await sleep(50); // the first holds the key row now
    const second = run(key, { paymentToken: 'tok_1' }, checkout(key, calls));

    await first.then(
      () => expect.fail('the first should fail'),
      (error: Error) => expect(error.message).to.equal('first attempt failed'),
    );
    const { replayed, response } = await second;
    expect(replayed).to.equal(false);
    expect(response.status).to.equal(202);
    expect(calls.n).to.equal(2);
    expect(await effects(orm, key)).to.equal(1);
  });

  it('when different scopes use the same key, then each runs its own work and keeps its own response', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const otherScope = `test:checkout:${randomUUID()}`;
    const mine = await run(key, { paymentToken: 'tok_1' }, checkout(key, calls));
    const theirs = await run(key, { paymentToken: 'tok_2' }, checkout(key, calls), otherScope);

    expect(calls.n).to.equal(2);
    expect(mine.replayed).to.equal(false);
    expect(theirs.replayed).to.equal(false);
    expect(theirs.response.body).to.not.deep.equal(mine.response.body);
    expect((await run(key, { paymentToken: 'tok_2' }, checkout(key, calls), otherScope)).response).to.deep.equal(theirs.response);
    expect(calls.n).to.equal(2);
  });

  it('when the response has no body (204), then it is stored and replayed as a null body', async () => {
    const key = randomUUID();
    const work = () => Promise.resolve<StoredResponse>({ status: 204, headers: {}, body: undefined });
    const first = await run(key, {}, work);
    const second = await run(key, {}, work);
    expect(first.response).to.deep.equal({ status: 204, headers: {}, body: null });
    expect(second).to.deep.equal({ response: first.response, replayed: true });
  });

  for (const bad of ['', 'a'.repeat(256), 'has space', 'ümlaut', 'a/b']) {
    it(`when the key is ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 10)}...(${bad.length})` : bad)}, then it is a 400 VALIDATION_FAILED before anything runs`, async () => {
      const calls = { n: 0 };
      let caught: unknown;
      await run(bad, {}, checkout('bad', calls)).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(ValidationError);
      expect(caught).to.include({ status: 400, code: 'VALIDATION_FAILED' });
      expect(calls.n).to.equal(0);
    });
  }

  it('when the key is 255 characters of the allowed alphabet, then it is accepted', async () => {
    const key = `${'A-z_9'.repeat(51)}`;
    expect(key).to.have.length(255);
    const { replayed } = await run(key, {}, () => Promise.resolve({ status: 200, headers: {}, body: { ok: true } }));
    expect(replayed).to.equal(false);
  });
});
