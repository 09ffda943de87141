import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { useCartService } from '../support/harness.js';
import { addItem, cartStatusOf, checkedOutEvents, customerWithCart, knownAddress, knownProduct, type CartBody } from '../support/fixtures.js';

interface Problem {
  code: string;
}
interface Accepted {
  orderId: string;
  status: string;
}

describe('checkout (endpoint 35)', () => {
  const h = useCartService();

  async function readyCart() {
    const c = await customerWithCart(h);
    const mug = await knownProduct(h, { name: 'Ceramic Mug', priceCents: 1299 });
    const towel = await knownProduct(h, { name: 'Tea Towel', priceCents: 850 });
    await addItem(h, c.token, c.cart.id, mug.productId, 2);
    await addItem(h, c.token, c.cart.id, towel.productId, 1);
    const addressId = await knownAddress(h, c.customerId);
    return { ...c, mug, towel, addressId, body: { shippingAddressId: addressId, paymentToken: 'tok_visa' } };
  }

  const checkout = (cartId: string, token: string, body: unknown, key?: string) =>
    h.api.post<Accepted & Problem>(`/api/v1/carts/${cartId}/checkout`, body, { token, headers: key ? { 'idempotency-key': key } : {} });

  const checkoutsStarted = async () => Number(/^checkouts_started_total\{[^}]*\} (\d+)$/m.exec((await h.api.get<string>('/metrics')).body)?.[1] ?? 0);

  it('when a pending cart is checked out, then 202 {orderId, pending} with Location, the cart is submitted with the order id, and one cart.cart.checked-out is in the outbox', async () => {
    const c = await readyCart();
    const started = await checkoutsStarted();
    const res = await checkout(c.cart.id, c.token, c.body, randomUUID());
    expect(res.status).to.equal(202);
    expect(await checkoutsStarted()).to.equal(started + 1);
    expect(res.body.status).to.equal('pending');
    const { orderId } = res.body;
    expect(res.headers.get('location')).to.equal(`/api/v1/orders/${orderId}`);
    const read = await h.api.get<CartBody>(`/api/v1/carts/${c.cart.id}`, { token: c.token });
    expect(read.body).to.include({ status: 'submitted', orderId });
    const events = await checkedOutEvents(h, c.cart.id);
    expect(events).to.have.length(1);
    expect(events[0]!.correlationId).to.equal(orderId);
    expect(events[0]!.data).to.deep.equal({
      orderId,
      cartId: c.cart.id,
      customerId: c.customerId,
      items: [
        { productId: c.mug.productId, name: 'Ceramic Mug', unitPriceCents: 1299, quantity: 2 },
        { productId: c.towel.productId, name: 'Tea Towel', unitPriceCents: 850, quantity: 1 },
      ],
      totalCents: 2 * 1299 + 850,
      currency: 'USD',
      shippingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', postalCode: '12345', country: 'US' },
      paymentToken: 'tok_visa',
    });
    // The submitted cart no longer is "current"; a new one can be opened.
    expect((await h.api.get('/api/v1/carts/current', { token: c.token })).status).to.equal(404);
    expect((await h.api.post('/api/v1/carts', undefined, { token: c.token })).status).to.equal(201);
  });

  it('when the same key and body come again, then the same 202 is replayed and still one event; the same key with another body, then 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const c = await readyCart();
    const key = randomUUID();
    const started = await checkoutsStarted();
    const first = await checkout(c.cart.id, c.token, c.body, key);
    const again = await checkout(c.cart.id, c.token, c.body, key);
    expect(again.status).to.equal(202);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get('location')).to.equal(first.headers.get('location'));
    const other = await checkout(c.cart.id, c.token, { ...c.body, paymentToken: 'tok_other' }, key);
    expect(other.status).to.equal(422);
    expect(other.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect(await checkedOutEvents(h, c.cart.id)).to.have.length(1);
    // One checkout started: the replay and the refused reuse are not counted.
    expect(await checkoutsStarted()).to.equal(started + 1);
  });

  it('when the same key is sent 5 times at once, then all answer the same 202 and one event exists', async () => {
    const c = await readyCart();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => checkout(c.cart.id, c.token, c.body, key)));
    expect(answers.map((a) => a.status)).to.deep.equal([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.orderId)).size).to.equal(1);
    expect(await checkedOutEvents(h, c.cart.id)).to.have.length(1);
  });

  it('when the Idempotency-Key is missing or malformed, then 400 and nothing changes', async () => {
    const c = await readyCart();
    const missing = await checkout(c.cart.id, c.token, c.body);
    expect(missing.status).to.equal(400);
    expect(missing.body.code, JSON.stringify(missing.body)).to.equal('IDEMPOTENCY_KEY_REQUIRED');
    expect((await checkout(c.cart.id, c.token, c.body, 'not a key!')).status).to.equal(400);
    expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('pending');
  });

  it('when one cart is checked out twice with two keys, then the second is 409 INVALID_TRANSITION and exactly one event exists', async () => {
    const c = await readyCart();
    expect((await checkout(c.cart.id, c.token, c.body, randomUUID())).status).to.equal(202);
    const second = await checkout(c.cart.id, c.token, c.body, randomUUID());
    expect(second.status).to.equal(409);
    expect(second.body.code).to.equal('INVALID_TRANSITION');
    expect(await checkedOutEvents(h, c.cart.id)).to.have.length(1);
  });

  it('when two checkouts with two keys race, then one 202 and one 409, and one event', async () => {
    const c = await readyCart();
    const answers = await Promise.all([checkout(c.cart.id, c.token, c.body, randomUUID()), checkout(c.cart.id, c.token, c.body, randomUUID())]);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([202, 409]);
    expect(await checkedOutEvents(h, c.cart.id)).to.have.length(1);
  });

  it('when the cart is empty, then 422 CART_EMPTY, and a retry with the same key runs again (nothing was stored)', async () => {
    const c = await customerWithCart(h);
    const addressId = await knownAddress(h, c.customerId);
    const key = randomUUID();
    const body = { shippingAddressId: addressId, paymentToken: 'tok_visa' };
    const res = await checkout(c.cart.id, c.token, body, key);
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('CART_EMPTY');
    const product = await knownProduct(h);
    await addItem(h, c.token, c.cart.id, product.productId, 1);
    expect((await checkout(c.cart.id, c.token, body, key)).status).to.equal(202);
  });

  it("when the address is unknown, removed or another customer's, then 422 ADDRESS_INVALID", async () => {
    const c = await readyCart();
    const foreign = await knownAddress(h, randomUUID());
    const removed = await knownAddress(h, c.customerId);
    await h.db.query('update customer_addresses set removed = true where address_id = $1', [removed]);
    for (const shippingAddressId of [randomUUID(), foreign, removed]) {
      const res = await checkout(c.cart.id, c.token, { shippingAddressId, paymentToken: 'tok_visa' }, randomUUID());
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal('ADDRESS_INVALID');
    }
    expect(await checkedOutEvents(h)).to.deep.equal([]);
  });

  it('when a line\'s product was archived since, then 422 PRODUCT_UNAVAILABLE and the cart stays pending', async () => {
    const c = await readyCart();
    await h.db.query(`update product_snapshots set status = 'archived' where product_id = $1`, [c.towel.productId]);
    const res = await checkout(c.cart.id, c.token, c.body, randomUUID());
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('PRODUCT_UNAVAILABLE');
    expect((await cartStatusOf(h, c.cart.id))!.status).to.equal('pending');
  });

  it('when the body is invalid (bad token, extra property) or the cart is foreign or abandoned, then 400 / 404 / 409', async () => {
    const c = await readyCart();
    const bad = await checkout(c.cart.id, c.token, { ...c.body, paymentToken: '4242424242424242' }, randomUUID());
    expect(bad.status).to.equal(400);
    expect((await checkout(c.cart.id, c.token, { ...c.body, totalCents: 1 }, randomUUID())).status).to.equal(400);
    const foreign = await checkout(c.cart.id, h.customerToken(), c.body, randomUUID());
    expect(foreign.status).to.equal(404);
    expect(foreign.body.code).to.equal('CART_NOT_FOUND');
    await h.api.delete(`/api/v1/carts/${c.cart.id}`, { token: c.token });
    const abandoned = await checkout(c.cart.id, c.token, c.body, randomUUID());
    expect(abandoned.status).to.equal(409);
    expect(abandoned.body.code).to.equal('INVALID_TRANSITION');
  });
});
