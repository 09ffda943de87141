import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { answers, checkout, confirmed, historyOf, sentFor, useOrderService, waitForOrder, waitForSent, type Checkout } from '../support/harness.js';

interface OrderBody {
  id: string;
  status: string;
  paymentStatus: string;
  failureReason: string | null;
  trackingNumber: string | null;
  items: { lineTotalCents: number }[];
  totalCents: number;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('order endpoints 36-41 (real Postgres, RabbitMQ, Redis)', () => {
  const h = useOrderService();
  const as = (c: Checkout) => ({ token: h.customerToken(c.customerId) });
  const admin = () => ({ token: h.adminToken() });
  const cancel = (orderId: string, token: string, key: string, body: unknown = {}) =>
    h.api.post<OrderBody & { code?: string }>(`/api/v1/orders/${orderId}/cancel`, body, { token, headers: { 'idempotency-key': key } });

  describe('reading (36, 37, 41)', () => {
    it('when the owner reads the order, then it matches the contract with line totals and an ETag that gives 304', async () => {
      const c = await checkout(h);
      const res = await h.api.get<OrderBody>(`/api/v1/orders/${c.orderId}`, as(c));
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: c.orderId, status: 'pending', paymentStatus: 'pending', failureReason: null, trackingNumber: null, totalCents: c.totalCents });
      expect(res.body.items.map((i) => i.lineTotalCents)).to.deep.equal([2598, 2550]);
      const etag = res.headers.get('etag')!;
      expect((await h.api.get(`/api/v1/orders/${c.orderId}`, { ...as(c), headers: { 'if-none-match': etag } })).status).to.equal(304);
    });

    it("when another customer asks for the order, its history or to cancel it, then 404 ORDER_NOT_FOUND; an admin sees it", async () => {
      const c = await checkout(h);
      const stranger = { token: h.customerToken() };
      for (const res of [
        await h.api.get<{ code: string }>(`/api/v1/orders/${c.orderId}`, stranger),
        await h.api.get<{ code: string }>(`/api/v1/orders/${c.orderId}/history`, stranger),
        await cancel(c.orderId, stranger.token, 'stranger'),
      ]) {
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('ORDER_NOT_FOUND');
      }
      expect((await h.api.get(`/api/v1/orders/${c.orderId}`, admin())).status).to.equal(200);
      expect((await h.api.get(`/api/v1/orders/${randomUUID()}`, admin())).status).to.equal(404);
      await waitForOrder(h, c.orderId, { status: 'pending' });
    });

    it('when listing, then a customer sees only their own (another id gives an empty page), an admin all, newest first, with filters', async () => {
      const customerId = randomUUID();
      const mine = [await checkout(h, { customerId }), await checkout(h, { customerId })];
      const other = await checkout(h);
      await answers(h, mine[0]!).rejected();
      await waitForOrder(h, mine[0]!.orderId, { status: 'cancelled' });
      const token = h.customerToken(customerId);
      const own = await h.api.get<Page<OrderBody>>('/api/v1/orders', { token });
      expect(own.body.items.map((o) => o.id)).to.deep.equal([mine[1]!.orderId, mine[0]!.orderId]);
      expect((await h.api.get<Page<OrderBody>>(`/api/v1/orders?customerId=${other.customerId}`, { token })).body).to.deep.equal({ items: [], nextCursor: null });
      expect((await h.api.get<Page<OrderBody>>('/api/v1/orders?status=cancelled', { token })).body.items.map((o) => o.id)).to.deep.equal([mine[0]!.orderId]);
      const all = await h.api.get<Page<OrderBody>>('/api/v1/orders', admin());
      expect(all.body.items.map((o) => o.id)).to.include.members([...mine.map((m) => m.orderId), other.orderId]);
      const byCustomer = await h.api.get<Page<OrderBody>>(`/api/v1/orders?customerId=${other.customerId}`, admin());
      expect(byCustomer.body.items.map((o) => o.id)).to.deep.equal([other.orderId]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await h.api.get<Page<OrderBody>>(`/api/v1/orders?from=${future}`, admin())).body.items).to.deep.equal([]);
      const bad = await h.api.get<{ code: string }>(`/api/v1/orders?from=${future}&to=${new Date().toISOString()}`, admin());
      expect(bad.status).to.equal(400);
      expect(bad.body.code).to.equal('VALIDATION_FAILED');
    });

    it('when paging with limit and cursor, then no order is skipped or repeated, and a cursor used with other filters is 400 INVALID_CURSOR', async () => {
      const customerId = randomUUID();
      const placed: string[] = [];
      for (let i = 0; i < 5; i++) placed.push((await checkout(h, { customerId })).orderId);
      const token = h.customerToken(customerId);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: Page<OrderBody> } = await h.api.get<Page<OrderBody>>(`/api/v1/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token });
        seen.push(...res.body.items.map((o) => o.id));
        cursor = res.body.nextCursor;
        if (seen.length === 2) await checkout(h, { customerId }); // added meanwhile: newer, so not on later pages
      } while (cursor);
      expect(seen).to.deep.equal([...placed].reverse());
      const first = await h.api.get<Page<OrderBody>>('/api/v1/orders?limit=1', { token });
      const misuse = await h.api.get<{ code: string }>(`/api/v1/orders?limit=1&status=pending&cursor=${first.body.nextCursor}`, { token });
      expect(misuse.status).to.equal(400);
      expect(misuse.body.code).to.equal('INVALID_CURSOR');
      expect((await h.api.get<{ code: string }>('/api/v1/orders?cursor=garbage', { token })).body.code).to.equal('INVALID_CURSOR');
    });

    it('when the history is read in pages, then every change is there once, oldest first', async () => {
      const c = await confirmed(h);
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: Page<{ kind: string; from: string | null; to: string; actor: string; reason: string | null }> } = await h.api.get(
          `/api/v1/orders/${c.orderId}/history?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          as(c),
        );
        expect(res.status).to.equal(200);
        seen.push(...res.body.items.map((e) => [e.kind, e.from, e.to, e.actor, e.reason]));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(await historyOf(h, c.orderId));
      expect(seen).to.have.length(4);
    });
  });

  describe('cancel (38)', () => {
    it('when the owner cancels a pending order, then 202 cancelled CUSTOMER_CANCELLED, stock released, payment failed; the same key replays, another body is 422', async () => {
      const c = await checkout(h);
      const token = h.customerToken(c.customerId);
      const first = await cancel(c.orderId, token, 'k-1', { reason: 'Ordered the wrong size' });
      expect(first.status).to.equal(202);
      expect(first.body).to.include({ status: 'cancelled', paymentStatus: 'failed', failureReason: 'CUSTOMER_CANCELLED' });
      const replay = await cancel(c.orderId, token, 'k-1', { reason: 'Ordered the wrong size' });
      expect(replay.status).to.equal(202);
      expect(replay.body).to.deep.equal(first.body);
      expect((await cancel(c.orderId, token, 'k-1', { reason: 'Another' })).body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      const again = await cancel(c.orderId, token, 'k-2');
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal('INVALID_TRANSITION');
      await waitForSent(h, c.orderId, 'order.order.cancelled');
      expect(await sentFor(h, c.orderId, 'catalog.release-stock')).to.have.length(1);
      expect(await sentFor(h, c.orderId, 'order.order.cancelled')).to.have.length(1);
      expect((await historyOf(h, c.orderId)).slice(2)).to.deep.equal([
        ['paymentStatus', 'pending', 'failed', 'customer', 'CUSTOMER_CANCELLED'],
        ['status', 'pending', 'cancelled', 'customer', 'Ordered the wrong size'],
      ]);
    });

    it('when a cancel has no Idempotency-Key, then 400 IDEMPOTENCY_KEY_REQUIRED', async () => {
      const c = await checkout(h);
      const res = await h.api.post<{ code: string }>(`/api/v1/orders/${c.orderId}/cancel`, {}, as(c));
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('IDEMPOTENCY_KEY_REQUIRED');
    });

    it('when a processing order is cancelled, then restock and refund go out, and the payment turns refunded when the refund is confirmed', async () => {
      const c = await confirmed(h);
      const res = await cancel(c.orderId, h.customerToken(c.customerId), 'processing');
      expect(res.status).to.equal(202);
      expect(res.body).to.include({ status: 'cancelled', paymentStatus: 'completed', failureReason: 'CUSTOMER_CANCELLED' });
      expect((await waitForSent(h, c.orderId, 'catalog.restock'))[0]!.data).to.deep.equal({ orderId: c.orderId, reason: 'CUSTOMER_CANCELLED' });
      expect((await waitForSent(h, c.orderId, 'payment.refund-payment'))[0]!.data).to.deep.equal({ orderId: c.orderId, reason: 'CUSTOMER_CANCELLED' });
      await answers(h, c).restocked();
      await answers(h, c).refunded('CUSTOMER_CANCELLED');
      await waitForOrder(h, c.orderId, { status: 'cancelled', payment_status: 'refunded', state: 'cancelled' });
      expect((await historyOf(h, c.orderId)).slice(-2)).to.deep.equal([
        ['status', 'processing', 'cancelled', 'customer', 'CUSTOMER_CANCELLED'],
        ['paymentStatus', 'completed', 'refunded', 'system', 'CUSTOMER_CANCELLED'],
      ]);
    });

    it('when a shipped order is cancelled, then 409 INVALID_TRANSITION and nothing changes', async () => {
      const c = await confirmed(h);
      expect((await h.api.post(`/api/v1/orders/${c.orderId}/ship`, { trackingNumber: '1Z999' }, admin())).status).to.equal(200);
      const res = await cancel(c.orderId, h.adminToken(), 'shipped');
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('INVALID_TRANSITION');
      expect(await sentFor(h, c.orderId, 'catalog.restock')).to.have.length(0);
      await waitForOrder(h, c.orderId, { status: 'shipped' });
    });
  });

  describe('ship and deliver (39, 40)', () => {
    it('when an admin ships and delivers a processing order, then it is shipped with the tracking number, then delivered, each announced', async () => {
      const c = await confirmed(h);
      const blank = await h.api.post<{ code: string }>(`/api/v1/orders/${c.orderId}/ship`, { trackingNumber: '   ' }, admin());
      expect([blank.status, blank.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
      const shipped = await h.api.post<OrderBody>(`/api/v1/orders/${c.orderId}/ship`, { trackingNumber: '1Z999AA10123456784' }, admin());
      expect(shipped.status).to.equal(200);
      expect(shipped.body).to.include({ status: 'shipped', trackingNumber: '1Z999AA10123456784' });
      const delivered = await h.api.post<OrderBody>(`/api/v1/orders/${c.orderId}/deliver`, undefined, admin());
      expect(delivered.status).to.equal(200);
      expect(delivered.body).to.include({ status: 'delivered', trackingNumber: '1Z999AA10123456784' });
      expect((await waitForSent(h, c.orderId, 'order.order.shipped'))[0]!.data).to.deep.equal({ orderId: c.orderId, customerId: c.customerId, trackingNumber: '1Z999AA10123456784' });
      await waitForSent(h, c.orderId, 'order.order.delivered');
      expect((await historyOf(h, c.orderId)).slice(-2)).to.deep.equal([
        ['status', 'processing', 'shipped', 'admin', null],
        ['status', 'shipped', 'delivered', 'admin', null],
      ]);
    });

    it('when shipping a pending order or delivering a processing one, then 409; a customer is 403; an unknown order 404; a missing tracking number 400', async () => {
      const c = await checkout(h);
      expect((await h.api.post<{ code: string }>(`/api/v1/orders/${c.orderId}/ship`, { trackingNumber: 'X' }, admin())).body.code).to.equal('INVALID_TRANSITION');
      expect((await h.api.post<{ code: string }>(`/api/v1/orders/${c.orderId}/deliver`, undefined, admin())).body.code).to.equal('INVALID_TRANSITION');
      expect((await h.api.post(`/api/v1/orders/${c.orderId}/ship`, { trackingNumber: 'X' }, as(c))).status).to.equal(403);
      expect((await h.api.post(`/api/v1/orders/${randomUUID()}/ship`, { trackingNumber: 'X' }, admin())).status).to.equal(404);
      expect((await h.api.post(`/api/v1/orders/${c.orderId}/ship`, {}, admin())).status).to.equal(400);
      expect((await h.api.post(`/api/v1/orders/${c.orderId}/ship`, { trackingNumber: '1Z', carrier: 'UPS' }, admin())).status).to.equal(400);
      expect((await h.api.get(`/api/v1/orders/${c.orderId}`)).status).to.equal(401);
    });
  });
});
