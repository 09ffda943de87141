import { expect } from 'chai';
import { TransientProviderError } from '../../src/provider/provider.js';
import { SandboxProvider } from '../../src/provider/sandbox.js';

const charge = (token: string, idempotencyKey = `order-${token}-${Math.random()}`) => ({ idempotencyKey, amountCents: 1000, currency: 'USD', token });
const never = () => new AbortController().signal;

describe('SandboxProvider', () => {
  it('when the token is tok_visa (or tok_visa_4242), then the charge succeeds with a reference and counts one charge each', async () => {
    const sandbox = new SandboxProvider();
    const a = await sandbox.charge(charge('tok_visa'), never());
    const b = await sandbox.charge(charge('tok_visa_4242'), never());
    expect(a.outcome).to.equal('succeeded');
    expect(b.outcome).to.equal('succeeded');
    if (a.outcome === 'succeeded') expect(a.providerReference).to.match(/^sbx_ch_[0-9a-f]{16}$/);
    expect(sandbox.chargeCount).to.equal(2);
  });

  it('when the token is tok_chargeDeclined, tok_insufficientFunds or unknown, then it is declined with the reason and nothing is charged', async () => {
    const sandbox = new SandboxProvider();
    expect(await sandbox.charge(charge('tok_chargeDeclined'), never())).to.deep.equal({ outcome: 'declined', reason: 'PAYMENT_DECLINED' });
    expect(await sandbox.charge(charge('tok_insufficientFunds'), never())).to.deep.equal({ outcome: 'declined', reason: 'PAYMENT_INSUFFICIENT_FUNDS' });
    expect(await sandbox.charge(charge('tok_unknownBrand'), never())).to.deep.equal({ outcome: 'declined', reason: 'PAYMENT_DECLINED' });
    expect(sandbox.chargeCount).to.equal(0);
  });

  it('when the token is tok_timeout, then only the signal ends the call (rejecting with its reason) and nothing is charged', async () => {
    const sandbox = new SandboxProvider();
    const started = Date.now();
    const error = await sandbox.charge(charge('tok_timeout'), AbortSignal.timeout(150)).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).name).to.equal('TimeoutError');
    expect(Date.now() - started).to.be.within(140, 1000);
    expect(sandbox.chargeCount).to.equal(0);
  });

  it('when the token is tok_slow, then it answers after slowMs, and a signal that aborts first ends the wait', async () => {
    const sandbox = new SandboxProvider({ slowMs: 200 });
    const started = Date.now();
    expect((await sandbox.charge(charge('tok_slow'), never())).outcome).to.equal('succeeded');
    expect(Date.now() - started).to.be.at.least(190);
    const aborted = await sandbox.charge(charge('tok_slow'), AbortSignal.timeout(50)).then(
      () => 'answered',
      () => 'aborted',
    );
    expect(aborted).to.equal('aborted');
  });

  it('when a charge is retried with the same idempotency key, then the first result comes back and the order is charged once', async () => {
    const sandbox = new SandboxProvider();
    const first = await sandbox.charge(charge('tok_visa', 'order-1'), never());
    const again = await sandbox.charge(charge('tok_visa', 'order-1'), never());
    expect(again).to.deep.equal(first);
    expect(sandbox.chargeCount).to.equal(1);
    expect(sandbox.calls).to.equal(2);
  });

  it('when two calls with one key run concurrently (slow), then both get the same result and one charge is made', async () => {
    const sandbox = new SandboxProvider({ slowMs: 100 });
    const [a, b] = await Promise.all([sandbox.charge(charge('tok_slow', 'order-2'), never()), sandbox.charge(charge('tok_slow', 'order-2'), never())]);
    expect(a).to.deep.equal(b);
    expect(sandbox.chargeCount).to.equal(1);
  });

  it('when a caller gave up on a slow charge and retries with the key, then it gets the charge the provider made, not a second one', async () => {
    const sandbox = new SandboxProvider({ slowMs: 150 });
    await sandbox.charge(charge('tok_slow', 'order-3'), AbortSignal.timeout(20)).catch(() => undefined);
    const retried = await sandbox.charge(charge('tok_slow', 'order-3'), never());
    expect(retried.outcome).to.equal('succeeded');
    expect(sandbox.chargeCount).to.equal(1);
  });

  it('when failNext(n) is set, then the next n calls throw TransientProviderError without charging, then it answers', async () => {
    const sandbox = new SandboxProvider();
    sandbox.failNext(2);
    for (let i = 0; i < 2; i += 1) {
      const error = await sandbox.charge(charge('tok_visa', 'order-4'), never()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(TransientProviderError);
    }
    expect(sandbox.chargeCount).to.equal(0);
    expect((await sandbox.charge(charge('tok_visa', 'order-4'), never())).outcome).to.equal('succeeded');
    expect(sandbox.chargeCount).to.equal(1);
  });

  it('when the signal is already aborted, then the call rejects at once and nothing is charged', async () => {
    const sandbox = new SandboxProvider();
    const controller = new AbortController();
    controller.abort(new Error('deadline passed'));
    const error = await sandbox.charge(charge('tok_visa'), controller.signal).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.equal('deadline passed');
    expect(sandbox.chargeCount).to.equal(0);
  });

  it('when a refund is repeated with the same key, then it returns the first refund and refunds once', async () => {
    const sandbox = new SandboxProvider();
    const request = { idempotencyKey: 'refund:p1', providerReference: 'sbx_ch_1', amountCents: 1000 };
    const first = await sandbox.refund(request, never());
    expect(first.refundReference).to.match(/^sbx_re_/);
    expect(await sandbox.refund(request, never())).to.deep.equal(first);
    expect(sandbox.refundCount).to.equal(1);
  });

  it('when a charge is looked up by its key, then its result comes back (a running one is waited for); an unknown key or a tok_timeout charge is null', async () => {
    const sandbox = new SandboxProvider({ slowMs: 100 });
    expect(await sandbox.findCharge('order-none', never())).to.equal(null);
    const made = await sandbox.charge(charge('tok_visa', 'order-5'), never());
    expect(await sandbox.findCharge('order-5', never())).to.deep.equal(made);
    await sandbox.charge(charge('tok_chargeDeclined', 'order-6'), never());
    expect(await sandbox.findCharge('order-6', never())).to.deep.equal({ outcome: 'declined', reason: 'PAYMENT_DECLINED' });
    void sandbox.charge(charge('tok_slow', 'order-7'), never());
    expect((await sandbox.findCharge('order-7', never()))?.outcome).to.equal('succeeded');
    void sandbox.charge(charge('tok_timeout', 'order-8'), AbortSignal.timeout(10)).catch(() => undefined);
    expect(await sandbox.findCharge('order-8', never())).to.equal(null);
    expect(sandbox.chargeCount).to.equal(2);
  });

  it('when counting per key, then charges, refunds and calls are those of that key only; failNext(n, key) fails only that key', async () => {
    const sandbox = new SandboxProvider();
    sandbox.failNext(1, 'order-b');
    await sandbox.charge(charge('tok_visa', 'order-a'), never());
    await sandbox.charge(charge('tok_visa', 'order-a'), never());
    const failed = await sandbox.charge(charge('tok_visa', 'order-b'), never()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).to.be.instanceOf(TransientProviderError);
    await sandbox.charge(charge('tok_visa', 'order-b'), never());
    await sandbox.refund({ idempotencyKey: 'refund:a', providerReference: 'sbx_ch_a', amountCents: 1000 }, never());
    expect([sandbox.chargesFor('order-a'), sandbox.callsFor('order-a')]).to.deep.equal([1, 2]);
    expect([sandbox.chargesFor('order-b'), sandbox.callsFor('order-b')]).to.deep.equal([1, 2]);
    expect([sandbox.refundsFor('refund:a'), sandbox.refundsFor('refund:b'), sandbox.callsFor('nothing')]).to.deep.equal([1, 0, 0]);
  });

  it('when the token is tok_slow_<ms>, then it answers after that many milliseconds instead of slowMs', async () => {
    const sandbox = new SandboxProvider({ slowMs: 5_000 });
    const started = Date.now();
    expect((await sandbox.charge(charge('tok_slow_120'), never())).outcome).to.equal('succeeded');
    expect(Date.now() - started).to.be.within(110, 2_000);
  });
});
