import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { useCartService } from '../support/harness.js';
import { addItem, counterValue, customerWithCart, knownProduct, type CartBody } from '../support/fixtures.js';

describe('carts (endpoints 28-30, 34)', () => {
  const h = useCartService();

  it('when a customer opens a cart, then 201 with Location and an empty pending cart; again, then 200 with the same cart', async () => {
    const before = await counterValue(h, 'carts_created_total');
    const token = h.customerToken();
    const first = await h.api.post<CartBody>('/api/v1/carts', undefined, { token });
    expect(first.status).to.equal(201);
    expect(first.headers.get('location')).to.equal(`/api/v1/carts/${first.body.id}`);
    expect(first.body).to.include({ status: 'pending', itemCount: 0, totalCents: 0, currency: 'USD', orderId: null });
    expect(first.body.items).to.deep.equal([]);
    const second = await h.api.post<CartBody>('/api/v1/carts', undefined, { token });
    expect(second.status).to.equal(200);
    expect(second.body.id).to.equal(first.body.id);
    expect(await counterValue(h, 'carts_created_total')).to.equal(before + 1);
  });

  it('when 10 POST /carts of one customer race, then one cart: one 201 and nine 200 with its id', async () => {
    const token = h.customerToken();
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.api.post<CartBody>('/api/v1/carts', undefined, { token })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).to.equal(1);
    const { rows } = await h.db.query(`select id from carts where customer_id = $1`, [answers[0]!.body.customerId]);
    expect(rows).to.have.length(1);
  });

  it('when there is no token, or an admin opens a cart, then 401 / 403', async () => {
    expect((await h.api.post('/api/v1/carts')).status).to.equal(401);
    const admin = await h.api.post<{ code: string }>('/api/v1/carts', undefined, { token: h.adminToken() });
    expect(admin.status).to.equal(403);
    expect(admin.body.code).to.equal('FORBIDDEN');
  });

  it('when the customer asks for the current cart, then the pending one with an ETag, 304 on If-None-Match; without one, 404 CART_NOT_FOUND', async () => {
    const token = h.customerToken();
    const none = await h.api.get<{ code: string }>('/api/v1/carts/current', { token });
    expect(none.status).to.equal(404);
    expect(none.body.code).to.equal('CART_NOT_FOUND');
    const opened = await h.api.post<CartBody>('/api/v1/carts', undefined, { token });
    const current = await h.api.get<CartBody>('/api/v1/carts/current', { token });
    expect(current.status).to.equal(200);
    expect(current.body).to.deep.equal(opened.body);
    const etag = current.headers.get('etag')!;
    expect(etag).to.be.a('string');
    expect((await h.api.get('/api/v1/carts/current', { token, headers: { 'if-none-match': etag } })).status).to.equal(304);
  });

  it('when the owner reads a cart, then 200 with ETag and 304; another customer gets 404; an admin reads any cart', async () => {
    const { token, cart } = await customerWithCart(h);
    const product = await knownProduct(h, { priceCents: 250 });
    await addItem(h, token, cart.id, product.productId, 3);
    const mine = await h.api.get<CartBody>(`/api/v1/carts/${cart.id}`, { token });
    expect(mine.status).to.equal(200);
    expect(mine.body).to.include({ itemCount: 3, totalCents: 750 });
    expect((await h.api.get(`/api/v1/carts/${cart.id}`, { token, headers: { 'if-none-match': mine.headers.get('etag')! } })).status).to.equal(304);

    const foreign = await h.api.get<{ code: string }>(`/api/v1/carts/${cart.id}`, { token: h.customerToken() });
    expect(foreign.status).to.equal(404);
    expect(foreign.body.code).to.equal('CART_NOT_FOUND');
    const admin = await h.api.get<CartBody>(`/api/v1/carts/${cart.id}`, { token: h.adminToken() });
    expect(admin.status).to.equal(200);
    expect(admin.body).to.deep.equal(mine.body);
    expect((await h.api.get(`/api/v1/carts/${randomUUID()}`, { token })).status).to.equal(404);
    expect((await h.api.get('/api/v1/carts/not-a-uuid', { token })).status).to.equal(400);
  });

  it('when the owner abandons the pending cart, then 204, it is abandoned and counted; again, then 409 INVALID_TRANSITION; a foreign cart 404', async () => {
    const { token, cart } = await customerWithCart(h);
    const before = await counterValue(h, 'carts_abandoned_total', { reason: 'customer' });
    expect((await h.api.delete(`/api/v1/carts/${cart.id}`, { token: h.customerToken() })).status).to.equal(404);
    expect((await h.api.delete(`/api/v1/carts/${cart.id}`, { token })).status).to.equal(204);
    const read = await h.api.get<CartBody>(`/api/v1/carts/${cart.id}`, { token });
    expect(read.body.status).to.equal('abandoned');
    const again = await h.api.delete<{ code: string }>(`/api/v1/carts/${cart.id}`, { token });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('INVALID_TRANSITION');
    expect(await counterValue(h, 'carts_abandoned_total', { reason: 'customer' })).to.equal(before + 1);
    // A new cart can be opened after abandoning.
    expect((await h.api.post('/api/v1/carts', undefined, { token })).status).to.equal(201);
  });
});
