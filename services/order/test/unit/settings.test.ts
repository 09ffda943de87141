import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createEnvelope, type Envelope } from '@commerce/shared';
import { loadOrderConfig, sagaSettings } from '../../src/config.js';
import { sagaEventOf } from '../../src/messaging/saga-consumer.js';

const env = { DATABASE_URL: 'postgres://u:p@127.0.0.1/order', AMQP_URL: 'amqp://127.0.0.1', REDIS_URL: 'redis://127.0.0.1/1', JWKS_URL: 'http://127.0.0.1/jwks.json' };

describe('saga settings', () => {
  it('defaults: 30 s steps, 3 reserve attempts, a 1 s sweep, and a reservation TTL that outlasts every step the saga can wait for', () => {
    const config = loadOrderConfig(env);
    expect(config).to.include({ PORT: 3004, ORDER_STOCK_STEP_TIMEOUT_MS: 30_000, ORDER_PAYMENT_STEP_TIMEOUT_MS: 30_000, ORDER_RESERVE_ATTEMPTS: 3, ORDER_SAGA_SWEEP_INTERVAL_MS: 1000 });
    const settings = sagaSettings(config);
    expect(settings.timeouts).to.deep.equal({ stock: 30_000, payment: 30_000 });
    const longestSaga = settings.timeouts.stock * settings.maxReserveAttempts + settings.timeouts.payment + settings.timeouts.stock;
    expect(settings.reservationTtlMs).to.be.greaterThan(longestSaga);
  });

  it('at least one reserve attempt, whatever the setting', () => {
    expect(sagaSettings(loadOrderConfig({ ...env, ORDER_RESERVE_ATTEMPTS: '0' })).maxReserveAttempts).to.equal(1);
  });
});

describe('the saga event of each answer', () => {
  const orderId = randomUUID();
  const of = (type: string, data: Record<string, unknown>) => sagaEventOf(createEnvelope({ type, data: { orderId, ...data } }) as Envelope);

  it('maps every answer type the queue is bound to (except the checkout) to its event', () => {
    expect(of('catalog.stock.reserved', {})).to.deep.equal({ type: 'stock.reserved' });
    expect(of('catalog.stock.reservation-rejected', {})).to.deep.equal({ type: 'stock.rejected' });
    expect(of('catalog.stock.committed', {})).to.deep.equal({ type: 'stock.committed' });
    expect(of('catalog.stock.released', { reason: 'expired' })).to.deep.equal({ type: 'stock.released', reason: 'expired' });
    expect(of('catalog.stock.released', {})).to.deep.equal({ type: 'stock.released', reason: null });
    expect(of('catalog.stock.restocked', {})).to.deep.equal({ type: 'stock.restocked' });
    expect(of('payment.payment.completed', {})).to.deep.equal({ type: 'payment.completed' });
    expect(of('payment.payment.failed', { reason: 'PAYMENT_DECLINED' })).to.deep.equal({ type: 'payment.failed', reason: 'PAYMENT_DECLINED' });
    expect(of('payment.payment.refunded', { reason: 'goodwill' })).to.deep.equal({ type: 'payment.refunded', reason: 'goodwill' });
    expect(() => of('catalog.product.created', {})).to.throw(/No handler/);
  });
});
