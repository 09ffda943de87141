import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { useCartService } from '../support/harness.js';
import { addItem, cartStatusOf, counterValue, customerWithCart, knownAddress, knownProduct, type CartBody } from '../support/fixtures.js';

describe("the cart reacts to other services' events", () => {
  const h = useCartService();

  async function submittedCart() {
    const c = await customerWithCart(h);
    const mug = await knownProduct(h);
    await addItem(h, c.token, c.cart.id, mug.productId, 2);
    const addressId = await knownAddress(h, c.customerId);
    const res = await h.api.post<{ orderId: string }>(
      `/api/v1/carts/${c.cart.id}/checkout`,
      { shippingAddressId: addressId, paymentToken: 'tok_visa' },
      { token: c.token, headers: { 'idempotency-key': randomUUID() } },
    );
    expect(res.status).to.equal(202);
    return { ...c, mug, orderId: res.body.orderId };
  }

  it('when order.order.confirmed arrives, then the submitted cart is converted and counted', async () => {
    const c = await submittedCart();
    const before = await counterValue(h, 'carts_converted_total');
    await h.publish('order.order.confirmed', { orderId: c.orderId, customerId: c.customerId });
    await eventually(async () => expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('converted'));
    expect(await counterValue(h, 'carts_converted_total')).to.equal(before + 1);
  });

  it('when order.order.cancelled arrives, then the cart is pending again with no order id, current, and editable', async () => {
    const c = await submittedCart();
    await h.publish('order.order.cancelled', { orderId: c.orderId, customerId: c.customerId, reason: 'PAYMENT_DECLINED' });
    await eventually(async () => expect(await cartStatusOf(h, c.cart.id)).to.deep.equal({ status: 'pending', order_id: null }));
    const current = await h.api.get<CartBody>('/api/v1/carts/current', { token: c.token });
    expect(current.body.id).to.equal(c.cart.id);
    const patched = await h.api.patch<CartBody>(`/api/v1/carts/${c.cart.id}/items/${current.body.items[0]!.id}`, { quantity: 1 }, { token: c.token });
    expect(patched.status).to.equal(200);
    expect(patched.body.itemCount).to.equal(1);
  });

  it('when the order is cancelled after the customer opened a new cart, then the reopened cart takes its lines and the new one is abandoned', async () => {
    const c = await submittedCart();
    const other = await h.api.post<CartBody>('/api/v1/carts', undefined, { token: c.token });
    expect(other.status).to.equal(201);
    const towel = await knownProduct(h, { name: 'Tea Towel', priceCents: 500 });
    await addItem(h, c.token, other.body.id, towel.productId, 1);
    await addItem(h, c.token, other.body.id, c.mug.productId, 1);
    await h.publish('order.order.cancelled', { orderId: c.orderId, customerId: c.customerId, reason: 'OUT_OF_STOCK' });
    await eventually(async () => expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('pending'));
    expect((await cartStatusOf(h, other.body.id))!.status).to.equal('abandoned');
    const current = await h.api.get<CartBody>('/api/v1/carts/current', { token: c.token });
    expect(current.body.id).to.equal(c.cart.id);
    expect(current.body.items.map((i) => [i.productId, i.quantity])).to.have.deep.members([
      [c.mug.productId, 3],
      [towel.productId, 1],
    ]);
  });

  it('when customer.customer.deleted arrives, then the pending cart is abandoned and counted; a submitted one is left to its order', async () => {
    const c = await customerWithCart(h);
    const s = await submittedCart();
    const before = await counterValue(h, 'carts_abandoned_total', { reason: 'customer_deleted' });
    await h.publish('customer.customer.deleted', { customerId: c.customerId, deletedAt: new Date().toISOString() });
    await h.publish('customer.customer.deleted', { customerId: s.customerId, deletedAt: new Date().toISOString() });
    await eventually(async () => expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('abandoned'));
    await eventually(async () => expect(await counterValue(h, 'carts_abandoned_total', { reason: 'customer_deleted' })).to.equal(before + 1));
    expect((await cartStatusOf(h, s.cart.id))!.status).to.equal('submitted');
  });

  it('when an outcome names an unknown order or comes twice, then nothing changes', async () => {
    const c = await submittedCart();
    await h.publish('order.order.confirmed', { orderId: randomUUID(), customerId: c.customerId });
    await h.publish('order.order.confirmed', { orderId: c.orderId, customerId: c.customerId });
    await eventually(async () => expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('converted'));
    // The consumer handles several messages at once: the late cancellation goes out after the confirmation is in.
    await h.publish('order.order.cancelled', { orderId: c.orderId, customerId: c.customerId, reason: 'ADMIN_CANCELLED' });
    await eventually(async () => {
      const { rows } = await h.db.query(`select count(*)::int as n from inbox where type like 'order.%'`);
      expect(rows[0].n).to.equal(3);
    });
    // Converted is final: the late cancellation did not reopen it.
    expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('converted');
  });
});
