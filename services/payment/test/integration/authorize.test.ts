import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { answersFor, historyOf, paymentOf, usePaymentService } from '../support/harness.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('payment.authorize-payment on the real bus', () => {
  const h = usePaymentService();

  const command = (token: string, deadline = inSeconds(10)) => ({
    orderId: randomUUID(),
    customerId: randomUUID(),
    amountCents: 5148,
    currency: 'USD',
    paymentToken: token,
    deadline,
  });
  const outcome = (orderId: string, timeoutMs = 8_000) =>
    eventually(async () => {
      const answers = await answersFor(h, orderId);
      if (answers.length === 0) throw new Error('no answer yet');
      return answers;
    }, { timeoutMs });

  /** revenue_cents_total of a currency, 0 before its first charge. */
  const revenue = async (currency: string) => {
    const metrics = (await h.api.get<string>('/metrics')).body;
    const line = metrics.split('\n').find((l) => l.startsWith('revenue_cents_total{') && l.includes(`currency="${currency}"`));
    return Number(line?.split(' ').pop() ?? 0);
  };

  it('when the token is tok_visa, then the payment completes, payment.payment.completed is announced with the reference, and one charge is made', async () => {
    const cmd = command('tok_visa');
    const revenueBefore = await revenue('USD');
    await h.send('payment.authorize-payment', cmd);
    const [answer] = await outcome(cmd.orderId);
    // The charge's amount is revenue, in its currency (counted after the commit that announced it).
    expect(await revenue('USD')).to.equal(revenueBefore + 5148);
    const [row] = await paymentOf(h, cmd.orderId);
    expect(row).to.include({ status: 'completed', failure_reason: null });
    expect(answer!.type).to.equal('payment.payment.completed');
    expect(answer!.correlationId).to.equal(cmd.orderId);
    expect(answer!.data).to.deep.equal({
      orderId: cmd.orderId,
      paymentId: row!.id,
      customerId: cmd.customerId,
      amountCents: 5148,
      currency: 'USD',
      providerReference: row!.provider_reference,
    });
    expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(1);
    expect(await historyOf(h, row!.id)).to.deep.equal([
      { from_status: null, to_status: 'pending', reason: null },
      { from_status: 'pending', to_status: 'completed', reason: null },
    ]);
  });

  for (const [token, reason] of [
    ['tok_chargeDeclined', 'PAYMENT_DECLINED'],
    ['tok_insufficientFunds', 'PAYMENT_INSUFFICIENT_FUNDS'],
  ] as const) {
    it(`when the token is ${token}, then the payment fails with ${reason}, payment.payment.failed says so, and nothing is charged`, async () => {
      const cmd = command(token);
      const revenueBefore = await revenue('USD');
      await h.send('payment.authorize-payment', cmd);
      const [answer] = await outcome(cmd.orderId);
      expect(await revenue('USD')).to.equal(revenueBefore);
      const [row] = await paymentOf(h, cmd.orderId);
      expect(row).to.include({ status: 'failed', failure_reason: reason, provider_reference: null });
      expect(answer).to.deep.include({ type: 'payment.payment.failed' });
      expect(answer!.data).to.deep.equal({ orderId: cmd.orderId, paymentId: row!.id, customerId: cmd.customerId, reason });
      expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(0);
      expect((await historyOf(h, row!.id)).at(-1)).to.deep.equal({ from_status: 'pending', to_status: 'failed', reason });
    });
  }

  it('when the token is tok_slow, then the payment completes after the provider answers (pending meanwhile)', async () => {
    const cmd = command('tok_slow');
    const started = Date.now();
    await h.send('payment.authorize-payment', cmd);
    await eventually(async () => {
      if ((await paymentOf(h, cmd.orderId))[0]?.status !== 'pending') throw new Error('not pending yet');
    });
    const [answer] = await outcome(cmd.orderId);
    expect(answer!.type).to.equal('payment.payment.completed');
    expect(Date.now() - started).to.be.at.least(300);
  });

  it('when the token is tok_timeout, then at the deadline the payment fails with PAYMENT_TIMEOUT, not before, and nothing is charged', async () => {
    const deadlineMs = Date.now() + 1500;
    const cmd = command('tok_timeout', new Date(deadlineMs).toISOString());
    await h.send('payment.authorize-payment', cmd);
    const [answer] = await outcome(cmd.orderId, 6_000);
    expect(Date.now()).to.be.at.least(deadlineMs - 20);
    expect(answer!.type).to.equal('payment.payment.failed');
    expect(answer!.data.reason).to.equal('PAYMENT_TIMEOUT');
    expect((await paymentOf(h, cmd.orderId))[0]).to.include({ status: 'failed', failure_reason: 'PAYMENT_TIMEOUT' });
    expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(0);
  });

  it('when the deadline has already passed on arrival, then the payment fails with PAYMENT_TIMEOUT at once and nothing is charged', async () => {
    const cmd = command('tok_visa', inSeconds(-1));
    await h.send('payment.authorize-payment', cmd);
    const [answer] = await outcome(cmd.orderId);
    expect(answer!.data.reason).to.equal('PAYMENT_TIMEOUT');
    expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(0);
  });

  it('when the provider fails transiently twice, then the charge is retried and completes, with one charge', async () => {
    const cmd = command('tok_visa');
    h.sandbox.failNext(2, cmd.orderId);
    await h.send('payment.authorize-payment', cmd);
    const [answer] = await outcome(cmd.orderId);
    expect(answer!.type).to.equal('payment.payment.completed');
    expect(h.sandbox.callsFor(cmd.orderId)).to.equal(3);
    expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(1);
  });

  it('when the same command is delivered twice and a second command for the order follows, then the order is charged once, its revenue counted once, and every answer names the one payment', async () => {
    const cmd = { ...command('tok_slow'), currency: 'EUR' };
    const revenueBefore = await revenue('EUR');
    const envelope = await h.send('payment.authorize-payment', cmd);
    await h.resend(envelope);
    await h.send('payment.authorize-payment', cmd);
    await outcome(cmd.orderId);
    // After the outcome, one more command for the order: re-announced, not charged again.
    await h.send('payment.authorize-payment', cmd);
    const answers = await eventually(async () => {
      const all = await answersFor(h, cmd.orderId);
      if (all.length < 2) throw new Error('not re-announced yet');
      return all;
    });
    const rows = await paymentOf(h, cmd.orderId);
    expect(rows).to.have.length(1);
    expect(h.sandbox.chargesFor(cmd.orderId)).to.equal(1);
    expect(await revenue('EUR')).to.equal(revenueBefore + 5148);
    expect(new Set(answers.map((a) => a.type))).to.deep.equal(new Set(['payment.payment.completed']));
    expect(new Set(answers.map((a) => a.data.paymentId))).to.deep.equal(new Set([rows[0]!.id]));
    expect(new Set(answers.map((a) => a.data.providerReference)).size).to.equal(1);
    expect((await historyOf(h, rows[0]!.id)).map((r) => r.to_status)).to.deep.equal(['pending', 'completed']);
  });
});
