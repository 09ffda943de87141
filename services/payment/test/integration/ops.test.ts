import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { usePaymentService } from '../support/harness.js';

describe('payment service health, metrics and table rules (real Postgres, RabbitMQ, Redis)', () => {
  const h = usePaymentService();

  it('when the service runs, then it is live and ready (database and broker checked)', async () => {
    expect((await h.api.get('/health/live')).status).to.equal(200);
    const ready = await h.api.get<{ checks: Record<string, unknown> }>('/health/ready');
    expect(ready.status).to.equal(200);
    expect(JSON.stringify(ready.body)).to.contain('database').and.contain('broker');
  });

  it('when /metrics is scraped, then the payment families are there', async () => {
    const res = await fetch(`${h.service.url}/metrics`);
    const text = await res.text();
    expect(res.status).to.equal(200);
    for (const name of ['payments_total', 'payment_provider_duration_seconds', 'payments_refunded_total', 'payment_sweeper_actions_total']) expect(text).to.contain(name);
  });

  const insert = (orderId: string, status = 'pending', extra: { ref?: string | null; reason?: string | null } = {}) =>
    h.db.query(
      `insert into payments (id, order_id, customer_id, amount_cents, currency, status, provider_reference, failure_reason, created_at, updated_at)
       values ($1, $2, $3, 100, 'USD', $4, $5, $6, now(), now())`,
      [randomUUID(), orderId, randomUUID(), status, extra.ref ?? null, extra.reason ?? null],
    );

  it('when a second payment row is written for one order, then the database refuses it (one payment, one charge per order)', async () => {
    const orderId = randomUUID();
    await insert(orderId);
    const error = await insert(orderId).then(
      () => null,
      (e: unknown) => e as { code?: string; constraint?: string },
    );
    expect(error?.code).to.equal('23505');
    expect(error?.constraint).to.equal('payments_order_id_unique');
  });

  it('when a row breaks the status rules (completed without reference, failed without reason), then the database refuses it', async () => {
    const codes = await Promise.all([
      insert(randomUUID(), 'completed').then(() => null, (e: unknown) => (e as { code?: string }).code),
      insert(randomUUID(), 'failed').then(() => null, (e: unknown) => (e as { code?: string }).code),
      insert(randomUUID(), 'pending', { reason: 'PAYMENT_DECLINED' }).then(() => null, (e: unknown) => (e as { code?: string }).code),
    ]);
    expect(codes).to.deep.equal(['23514', '23514', '23514']);
    await insert(randomUUID(), 'completed', { ref: 'sbx_ch_1' });
    await insert(randomUUID(), 'failed', { reason: 'PAYMENT_TIMEOUT' });
  });
});
