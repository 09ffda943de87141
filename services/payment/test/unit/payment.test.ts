import { expect } from 'chai';
import { ConflictError } from '@commerce/shared';
import { LATE_CHARGE_REASON, Payment, orderCancelledReason, refundReasonOf } from '../../src/domain/payment.js';

const order = { orderId: '2293f58f-6210-4a03-ae6a-6447e68d1e77', customerId: '3f0c6a52-8d1e-4b6a-9a43-2f7c1e5d9b10', amountCents: 5148, currency: 'USD' };
const t0 = new Date('2025-01-25T08:30:00.000Z');
const t1 = new Date('2025-01-25T08:30:01.000Z');
const t2 = new Date('2025-01-26T15:12:00.000Z');

describe('Payment (domain)', () => {
  it('when a payment is created, then it is pending, without reference or reason, and its first history row is null → pending', () => {
    const payment = new Payment(order, t0);
    expect(payment).to.include({ status: 'pending', providerReference: null, failureReason: null, amountCents: 5148, currency: 'USD' });
    expect(payment.isFinal).to.equal(false);
    expect(payment.created()).to.deep.equal({ from: null, to: 'pending', at: t0, reason: null });
    expect(Object.keys(payment)).not.to.include('token');
  });

  it('when the amount is negative or fractional, or the currency is not ISO 4217, then it is refused', () => {
    expect(() => new Payment({ ...order, amountCents: -1 })).to.throw(RangeError);
    expect(() => new Payment({ ...order, amountCents: 1.5 })).to.throw(RangeError);
    expect(() => new Payment({ ...order, currency: 'usd' })).to.throw(RangeError);
  });

  it('when the provider charged, then it is completed with the reference, and the history row says pending → completed', () => {
    const payment = new Payment(order, t0);
    const change = payment.complete('sbx_ch_1', t1);
    expect(change).to.deep.equal({ from: 'pending', to: 'completed', at: t1, reason: null });
    expect(payment).to.include({ status: 'completed', providerReference: 'sbx_ch_1', failureReason: null });
    expect(payment.updatedAt).to.equal(t1);
    expect(payment.isFinal).to.equal(true);
  });

  it('when the charge failed, then it is failed with the reason in the row and on the payment', () => {
    const payment = new Payment(order, t0);
    expect(payment.fail('PAYMENT_TIMEOUT', t1)).to.deep.equal({ from: 'pending', to: 'failed', at: t1, reason: 'PAYMENT_TIMEOUT' });
    expect(payment).to.include({ status: 'failed', failureReason: 'PAYMENT_TIMEOUT', providerReference: null });
  });

  it('when a completed payment is refunded, then it is refunded, keeps its reference, and the row carries the (trimmed) reason', () => {
    const payment = new Payment(order, t0);
    payment.complete('sbx_ch_1', t1);
    expect(payment.refund('  Parcel lost  ', 'sbx_re_1', t2)).to.deep.equal({ from: 'completed', to: 'refunded', at: t2, reason: 'Parcel lost' });
    expect(payment).to.include({ status: 'refunded', providerReference: 'sbx_ch_1', refundReason: 'Parcel lost', refundReference: 'sbx_re_1' });
  });

  it('when a pending, failed or already refunded payment is refunded, then 409 INVALID_TRANSITION and nothing changes', () => {
    const pending = new Payment(order, t0);
    const failed = new Payment(order, t0);
    failed.fail('PAYMENT_DECLINED', t1);
    const refunded = new Payment(order, t0);
    refunded.complete('sbx_ch_2', t1);
    refunded.refund('once', 'sbx_re_2', t2);
    for (const payment of [pending, failed, refunded]) {
      const before = { status: payment.status, updatedAt: payment.updatedAt };
      expect(() => payment.assertRefundable()).to.throw(ConflictError).with.property('code', 'INVALID_TRANSITION');
      expect(() => payment.refund('again', 'sbx_re_3')).to.throw(ConflictError).with.property('code', 'INVALID_TRANSITION');
      expect({ status: payment.status, updatedAt: payment.updatedAt }).to.deep.equal(before);
    }
  });

  it('when a final payment is completed or failed again, then 409 INVALID_TRANSITION (an outcome is never overwritten)', () => {
    const payment = new Payment(order, t0);
    payment.fail('PAYMENT_DECLINED', t1);
    expect(() => payment.complete('sbx_ch_3')).to.throw(ConflictError);
    expect(() => payment.fail('PAYMENT_TIMEOUT')).to.throw(ConflictError);
    expect(payment.failureReason).to.equal('PAYMENT_DECLINED');
  });

  it('when the refund reason is empty or longer than 200 characters, then it is refused before any change', () => {
    const payment = new Payment(order, t0);
    payment.complete('sbx_ch_4', t1);
    expect(() => payment.refund('   ', 'sbx_re_4')).to.throw(RangeError);
    expect(() => payment.refund('x'.repeat(201), 'sbx_re_4')).to.throw(RangeError);
    expect(() => payment.refund('fine', '')).to.throw(RangeError);
    expect(payment.status).to.equal('completed');
  });

  it('when ownership is asked, then only the order customer owns it; the refund key is refund:<paymentId>', () => {
    const payment = new Payment(order, t0);
    expect(payment.isOwnedBy(order.customerId)).to.equal(true);
    expect(payment.isOwnedBy('00000000-0000-4000-8000-000000000000')).to.equal(false);
    expect(payment.refundKey).to.equal(`refund:${payment.id}`);
  });

  it('when the order is cancelled while the payment is pending, then that is recorded once (first reason stands) and the refund is owed only once it completes', () => {
    const payment = new Payment({ ...order, deadline: t1 }, t0);
    expect(payment.markOrderCancelled('  Order cancelled: PAYMENT_TIMEOUT ', t1)).to.equal(true);
    expect(payment).to.include({ orderCancelReason: 'Order cancelled: PAYMENT_TIMEOUT', status: 'pending' });
    expect(payment.orderCancelledAt).to.equal(t1);
    expect(payment.updatedAt).to.equal(t0);
    expect(payment.markOrderCancelled('later reason', t2)).to.equal(false);
    expect(payment.orderCancelReason).to.equal('Order cancelled: PAYMENT_TIMEOUT');
    expect(payment.owesRefund).to.equal(false);
    payment.complete('sbx_ch_5', t2);
    expect(payment.owesRefund).to.equal(true);
    payment.refund(payment.orderCancelReason!, 'sbx_re_5', t2);
    expect(payment.owesRefund).to.equal(false);
  });

  it('when a payment completes or fails without its order being cancelled, then no refund is owed', () => {
    const completed = new Payment(order, t0);
    completed.complete('sbx_ch_6', t1);
    const failed = new Payment(order, t0);
    failed.fail('PAYMENT_DECLINED', t1);
    failed.markOrderCancelled('Order cancelled: PAYMENT_DECLINED', t2);
    expect([completed.owesRefund, failed.owesRefund]).to.deep.equal([false, false]);
  });

  it('when an order cancellation reason is long, then the refund reason built from it stays within 200 characters', () => {
    expect(orderCancelledReason('CUSTOMER_CANCELLED')).to.equal('Order cancelled: CUSTOMER_CANCELLED');
    expect(orderCancelledReason('x'.repeat(300))).to.have.length(200);
    expect(refundReasonOf('  ok ')).to.equal('ok');
    expect(() => refundReasonOf('')).to.throw(RangeError);
  });

  it('when a charge call was cut short by the deadline, then the payment fails with PAYMENT_TIMEOUT and its charge is in doubt (only a timeout can leave one)', () => {
    const payment = new Payment(order, t0);
    payment.fail('PAYMENT_TIMEOUT', t1, true);
    expect(payment).to.include({ status: 'failed', failureReason: 'PAYMENT_TIMEOUT', chargeInDoubt: true });
    expect(() => new Payment(order, t0).fail('PAYMENT_DECLINED', t1, true)).to.throw(RangeError);
    expect(new Payment(order, t0).chargeInDoubt).to.equal(false);
  });

  it('when the provider made no charge after all, then the doubt is cleared and the payment stays failed; clearing twice changes nothing', () => {
    const payment = new Payment(order, t0);
    payment.fail('PAYMENT_TIMEOUT', t1, true);
    payment.clearChargeDoubt(t2);
    expect(payment).to.include({ status: 'failed', chargeInDoubt: false });
    expect(payment.updatedAt).to.equal(t2);
    payment.clearChargeDoubt(new Date('2030-01-01T00:00:00.000Z'));
    expect(payment.updatedAt).to.equal(t2);
  });

  it('when the charge in doubt went through and was refunded, then failed → refunded with the late-charge reason, the charge reference, and the failure reason kept', () => {
    const payment = new Payment(order, t0);
    payment.fail('PAYMENT_TIMEOUT', t1, true);
    expect(payment.refundLateCharge('sbx_ch_late', 'sbx_re_late', t2)).to.deep.equal({ from: 'failed', to: 'refunded', at: t2, reason: LATE_CHARGE_REASON });
    expect(payment).to.include({
      status: 'refunded',
      providerReference: 'sbx_ch_late',
      refundReference: 'sbx_re_late',
      refundReason: LATE_CHARGE_REASON,
      failureReason: 'PAYMENT_TIMEOUT',
      chargeInDoubt: false,
    });
    expect(LATE_CHARGE_REASON.length).to.be.at.most(200);
  });

  it('when a late charge is refunded for a payment without doubt (declined, completed, pending), or without references, then it is refused', () => {
    const declined = new Payment(order, t0);
    declined.fail('PAYMENT_DECLINED', t1);
    const timedOut = new Payment(order, t0);
    timedOut.fail('PAYMENT_TIMEOUT', t1);
    const completed = new Payment(order, t0);
    completed.complete('sbx_ch_7', t1);
    for (const payment of [declined, timedOut, completed, new Payment(order, t0)]) {
      expect(() => payment.refundLateCharge('sbx_ch_x', 'sbx_re_x', t2)).to.throw(ConflictError).with.property('code', 'INVALID_TRANSITION');
    }
    const inDoubt = new Payment(order, t0);
    inDoubt.fail('PAYMENT_TIMEOUT', t1, true);
    expect(() => inDoubt.refundLateCharge('', 'sbx_re_x', t2)).to.throw(RangeError);
    expect(inDoubt.status).to.equal('failed');
  });
});
