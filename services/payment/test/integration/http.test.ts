import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { eventsOf, historyOf, metricValue, paymentOf, settledPayment, usePaymentService } from '../support/harness.js';

interface PaymentBody {
  id: string;
  orderId: string;
  customerId: string;
  status: string;
  providerReference: string | null;
  failureReason: string | null;
  amountCents: number;
  createdAt: string;
  updatedAt: string;
}
interface Problem {
  code: string;
  status: number;
}

describe('endpoints 42-45 (real Postgres, RabbitMQ, Redis)', () => {
  const h = usePaymentService();

  /** Payments written straight to the table, `minutesAgo` apart, for the list tests. */
  const insertPayment = async (customerId: string, createdAt: Date, id = randomUUID()) => {
    await h.db.query(
      `insert into payments (id, order_id, customer_id, amount_cents, currency, status, provider_reference, created_at, updated_at)
       values ($1, $2, $3, 100, 'USD', 'completed', 'sbx_ch_x', $4, $4)`,
      [id, randomUUID(), customerId, createdAt],
    );
    return id;
  };

  describe('GET /payments/{id} and /history', () => {
    it('when the owner reads a completed payment, then it shows amount, status and reference, never a token, with an ETag that answers 304', async () => {
      const p = await settledPayment(h);
      const token = h.customerToken(p.customerId);
      const res = await h.api.get<PaymentBody>(`/api/v1/payments/${p.paymentId}`, { token });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: p.paymentId, orderId: p.orderId, customerId: p.customerId, amountCents: 5148, currency: 'USD', status: 'completed', failureReason: null });
      expect(res.body.providerReference).to.match(/^sbx_ch_/);
      expect(JSON.stringify(res.body)).not.to.contain('tok_');
      const etag = res.headers.get('etag')!;
      const again = await h.api.get(`/api/v1/payments/${p.paymentId}`, { token, headers: { 'if-none-match': etag } });
      expect(again.status).to.equal(304);
    });

    it('when another customer reads it, then 404 PAYMENT_NOT_FOUND (as for an unknown id); an admin reads it; no token is 401', async () => {
      const p = await settledPayment(h, 'tok_chargeDeclined');
      const other = await h.api.get<Problem>(`/api/v1/payments/${p.paymentId}`, { token: h.customerToken() });
      const unknown = await h.api.get<Problem>(`/api/v1/payments/${randomUUID()}`, { token: h.customerToken(p.customerId) });
      expect([other.status, other.body.code]).to.deep.equal([404, 'PAYMENT_NOT_FOUND']);
      expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'PAYMENT_NOT_FOUND']);
      const admin = await h.api.get<PaymentBody>(`/api/v1/payments/${p.paymentId}`, { token: h.adminToken() });
      expect(admin.body).to.include({ status: 'failed', failureReason: 'PAYMENT_DECLINED', providerReference: null });
      expect((await h.api.get(`/api/v1/payments/${p.paymentId}`)).status).to.equal(401);
      expect((await h.api.get<Problem>('/api/v1/payments/not-a-uuid', { token: h.adminToken() })).body.code).to.equal('VALIDATION_FAILED');
    });

    it('when the history is read, then every change is listed oldest first (owner and admin); another customer gets 404', async () => {
      const p = await settledPayment(h, 'tok_insufficientFunds');
      const res = await h.api.get<{ items: { from: string | null; to: string; at: string; reason: string | null }[] }>(`/api/v1/payments/${p.paymentId}/history`, {
        token: h.customerToken(p.customerId),
      });
      expect(res.status).to.equal(200);
      expect(res.body.items.map(({ from, to, reason }) => ({ from, to, reason }))).to.deep.equal([
        { from: null, to: 'pending', reason: null },
        { from: 'pending', to: 'failed', reason: 'PAYMENT_INSUFFICIENT_FUNDS' },
      ]);
      expect(new Date(res.body.items[1]!.at).getTime()).to.be.at.least(new Date(res.body.items[0]!.at).getTime());
      expect((await h.api.get(`/api/v1/payments/${p.paymentId}/history`, { token: h.adminToken() })).status).to.equal(200);
      expect((await h.api.get<Problem>(`/api/v1/payments/${p.paymentId}/history`, { token: h.customerToken() })).body.code).to.equal('PAYMENT_NOT_FOUND');
    });
  });

  describe('GET /payments', () => {
    it('when a customer lists, then only their own payments come, newest first, page by page with no gap or repeat (ties on createdAt broken by id)', async () => {
      const me = randomUUID();
      const base = Date.now() - 3_600_000;
      const same = new Date(base + 5 * 60_000);
      const ids = [
        await insertPayment(me, new Date(base)),
        await insertPayment(me, new Date(base + 60_000)),
        await insertPayment(me, same, 'aaaaaaaa-0000-4000-8000-000000000000'),
        await insertPayment(me, same, 'bbbbbbbb-0000-4000-8000-000000000000'),
        await insertPayment(me, new Date(base + 10 * 60_000)),
      ];
      await insertPayment(randomUUID(), new Date(base + 2 * 60_000));
      const expected = [ids[4], ids[3], ids[2], ids[1], ids[0]];
      const token = h.customerToken(me);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await h.api.get<{ items: PaymentBody[]; nextCursor: string | null }>(`/api/v1/payments${query}`, { token });
        expect(res.status).to.equal(200);
        seen.push(...res.body.items.map((p) => p.id));
        cursor = res.body.nextCursor;
        pages += 1;
        // A payment created meanwhile (newer than every page) never shifts the pages.
        if (pages === 1) await insertPayment(me, new Date());
      } while (cursor);
      expect(seen).to.deep.equal(expected);
      expect(pages).to.equal(3);
    });

    it('when an admin lists, then every customer appears; orderId narrows to that order (another customer sees it empty)', async () => {
      const a = await settledPayment(h);
      const b = await settledPayment(h, 'tok_chargeDeclined');
      const all = await h.api.get<{ items: PaymentBody[] }>('/api/v1/payments?limit=100', { token: h.adminToken() });
      expect(all.body.items.map((p) => p.id)).to.include.members([a.paymentId, b.paymentId]);
      const one = await h.api.get<{ items: PaymentBody[]; nextCursor: null }>(`/api/v1/payments?orderId=${a.orderId}`, { token: h.adminToken() });
      expect(one.body.items.map((p) => p.id)).to.deep.equal([a.paymentId]);
      const own = await h.api.get<{ items: PaymentBody[] }>(`/api/v1/payments?orderId=${a.orderId}`, { token: h.customerToken(a.customerId) });
      expect(own.body.items).to.have.length(1);
      const others = await h.api.get<{ items: PaymentBody[]; nextCursor: null }>(`/api/v1/payments?orderId=${a.orderId}`, { token: h.customerToken(b.customerId) });
      expect(others.body).to.deep.equal({ items: [], nextCursor: null });
    });

    it('when the cursor is tampered with, the limit out of range or the query unknown, then 400 with the code', async () => {
      const token = h.customerToken();
      const bogus = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
      expect((await h.api.get<Problem>('/api/v1/payments?cursor=%%%%', { token })).body.code).to.equal('INVALID_CURSOR');
      expect((await h.api.get<Problem>(`/api/v1/payments?cursor=${bogus}`, { token })).body.code).to.equal('INVALID_CURSOR');
      expect((await h.api.get<Problem>('/api/v1/payments?limit=101', { token })).body.code).to.equal('VALIDATION_FAILED');
      expect((await h.api.get<Problem>('/api/v1/payments?status=completed', { token })).body.code).to.equal('VALIDATION_FAILED');
    });
  });

  describe('POST /payments/{id}/refunds', () => {
    const refund = (paymentId: string, body: unknown, key: string | null = randomUUID(), token = h.adminToken()) =>
      h.api.post<PaymentBody & Problem>(`/api/v1/payments/${paymentId}/refunds`, body, { token, headers: key ? { 'idempotency-key': key } : {} });

    it('when an admin refunds a completed payment, then 202 refunded, one provider refund, a history row with the reason, payment.payment.refunded and the counter', async () => {
      const p = await settledPayment(h);
      const counted = await metricValue(h, 'payments_refunded_total');
      const res = await refund(p.paymentId, { reason: 'Parcel lost in transit' });
      expect(res.status).to.equal(202);
      expect(res.body).to.include({ id: p.paymentId, status: 'refunded' });
      expect(res.body.providerReference).to.match(/^sbx_ch_/);
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
      expect((await historyOf(h, p.paymentId)).at(-1)).to.deep.equal({ from_status: 'completed', to_status: 'refunded', reason: 'Parcel lost in transit' });
      const [event] = await eventsOf(h, p.orderId, 'payment.payment.refunded');
      expect(event!.data).to.deep.equal({ orderId: p.orderId, paymentId: p.paymentId, customerId: p.customerId, amountCents: 5148, currency: 'USD', reason: 'Parcel lost in transit' });
      // At least: another suite on the test broker may have the service refund too.
      expect(await metricValue(h, 'payments_refunded_total')).to.be.at.least(counted + 1);
    });

    it('when the refund is retried with the same key, then the same 202 is replayed and nothing is refunded again; another key (or admin) is 409; the same key with another body is 422', async () => {
      const p = await settledPayment(h);
      const key = randomUUID();
      const admin = h.adminToken();
      const first = await refund(p.paymentId, { reason: 'Goodwill' }, key, admin);
      const replay = await refund(p.paymentId, { reason: 'Goodwill' }, key, admin);
      expect(replay.status).to.equal(202);
      expect(replay.body).to.deep.equal(first.body);
      const second = await refund(p.paymentId, { reason: 'Goodwill' });
      expect([second.status, second.body.code]).to.deep.equal([409, 'INVALID_TRANSITION']);
      expect((await refund(p.paymentId, { reason: 'Other' }, key, admin)).body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      // Keys are the caller's: another admin's same key is a request of its own (and the payment is refunded already).
      expect((await refund(p.paymentId, { reason: 'Goodwill' }, key)).body.code).to.equal('INVALID_TRANSITION');
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
      expect(await eventsOf(h, p.orderId, 'payment.payment.refunded')).to.have.length(1);
    });

    it('when ten refunds of one payment race with different keys, then one 202, nine 409 and one provider refund', async () => {
      const p = await settledPayment(h);
      const answers = await Promise.all(Array.from({ length: 10 }, () => refund(p.paymentId, { reason: 'Race' })));
      expect(answers.map((a) => a.status).sort()).to.deep.equal([202, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
      expect((await historyOf(h, p.paymentId)).filter((r) => r.to_status === 'refunded')).to.have.length(1);
    });

    it('when the payment is failed or pending, then 409 INVALID_TRANSITION, the provider is not asked and nothing changes', async () => {
      const failed = await settledPayment(h, 'tok_chargeDeclined');
      const res = await refund(failed.paymentId, { reason: 'No' });
      expect([res.status, res.body.code]).to.deep.equal([409, 'INVALID_TRANSITION']);
      const pendingOrder = randomUUID();
      await h.send('payment.authorize-payment', { orderId: pendingOrder, customerId: randomUUID(), amountCents: 1, currency: 'USD', paymentToken: 'tok_timeout', deadline: new Date(Date.now() + 1500).toISOString() });
      const pending = await eventually(async () => {
        const [row] = await paymentOf(h, pendingOrder);
        if (!row) throw new Error('no row yet');
        return row;
      });
      expect((await refund(pending.id, { reason: 'No' })).body.code).to.equal('INVALID_TRANSITION');
      expect(h.sandbox.callsFor(`refund:${failed.paymentId}`) + h.sandbox.callsFor(`refund:${pending.id}`)).to.equal(0);
      expect((await paymentOf(h, failed.orderId))[0]!.status).to.equal('failed');
      // Its deadline ends it; waited for, so no handler outlives the test.
      await eventually(async () => expect((await paymentOf(h, pendingOrder))[0]!.status).to.equal('failed'), { timeoutMs: 6_000 });
    });

    it('when a customer refunds, the key is missing, the reason blank or the payment unknown, then 403, 400 and 404', async () => {
      const p = await settledPayment(h);
      expect((await refund(p.paymentId, { reason: 'Mine' }, randomUUID(), h.customerToken(p.customerId))).body.code).to.equal('FORBIDDEN');
      expect((await refund(p.paymentId, { reason: 'No key' }, null)).body.code).to.equal('IDEMPOTENCY_KEY_REQUIRED');
      expect((await refund(p.paymentId, { reason: '   ' })).body.code).to.equal('VALIDATION_FAILED');
      expect((await refund(p.paymentId, { reason: 'x', amountCents: 1 })).body.code).to.equal('VALIDATION_FAILED');
      expect((await refund(randomUUID(), { reason: 'Who?' })).body.code).to.equal('PAYMENT_NOT_FOUND');
      expect((await paymentOf(h, p.orderId))[0]!.status).to.equal('completed');
    });

    it('when the provider does not answer within the provider timeout, then 500, the payment is unchanged, and the same request retried later refunds it once', async () => {
      const p = await settledPayment(h);
      const admin = h.adminToken();
      const key = randomUUID();
      h.sandbox.failNext(1_000, `refund:${p.paymentId}`);
      const failed = await refund(p.paymentId, { reason: 'Provider down' }, key, admin);
      expect([failed.status, failed.body.code]).to.deep.equal([500, 'INTERNAL']);
      expect((await paymentOf(h, p.orderId))[0]!.status).to.equal('completed');
      expect(await eventsOf(h, p.orderId, 'payment.payment.refunded')).to.deep.equal([]);
      h.sandbox.failNext(0);
      const retried = await refund(p.paymentId, { reason: 'Provider down' }, key, admin);
      expect(retried.status).to.equal(202);
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
    });

    it('when the provider fails transiently, then the refund is retried and done once', async () => {
      const p = await settledPayment(h);
      h.sandbox.failNext(2, `refund:${p.paymentId}`);
      const res = await refund(p.paymentId, { reason: 'Retry' });
      expect(res.status).to.equal(202);
      expect(h.sandbox.refundsFor(`refund:${p.paymentId}`)).to.equal(1);
    });
  });
});
