import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { useCartService } from '../support/harness.js';
import { addItem, customerWithCart, knownProduct, type CartBody } from '../support/fixtures.js';

interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

describe('cart items (endpoints 31-33)', () => {
  const h = useCartService();

  it('when a product is added, then 201 with the whole cart, the line priced from the read model, totals in cents, and Location of the line', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h, { name: 'Ceramic Mug', priceCents: 1299 });
    const res = await h.api.post<CartBody>(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity: 2 }, { token });
    expect(res.status).to.equal(201);
    const line = res.body.items[0]!;
    expect(res.headers.get('location')).to.equal(`/api/v1/carts/${cart.id}/items/${line.id}`);
    expect(line).to.include({ productId: mug.productId, name: 'Ceramic Mug', unitPriceCents: 1299, quantity: 2, lineTotalCents: 2598 });
    expect(res.body).to.include({ itemCount: 2, totalCents: 2598 });
  });

  it('when the same product is added again after a price change, then its line grows and keeps the first price snapshot', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h, { priceCents: 1000 });
    const towel = await knownProduct(h, { name: 'Tea Towel', priceCents: 333 });
    await addItem(h, token, cart.id, mug.productId, 1);
    await h.db.query('update product_snapshots set price_cents = 5000 where product_id = $1', [mug.productId]);
    await addItem(h, token, cart.id, towel.productId, 3);
    const body = await addItem(h, token, cart.id, mug.productId, 2);
    expect(body.items.map((i) => [i.productId, i.quantity, i.unitPriceCents])).to.deep.equal([
      [mug.productId, 3, 1000],
      [towel.productId, 3, 333],
    ]);
    expect(body).to.include({ itemCount: 6, totalCents: 3 * 1000 + 3 * 333 });
  });

  it('when the body carries a price (tampering), then 400 and nothing is stored', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h, { priceCents: 1299 });
    const res = await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity: 1, priceCents: 1 }, { token });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    const patch = await h.api.patch<Problem>(`/api/v1/carts/${cart.id}/items/${randomUUID()}`, { quantity: 1, unitPriceCents: 1 }, { token });
    expect(patch.status).to.equal(400);
    const { rows } = await h.db.query('select * from cart_items');
    expect(rows).to.deep.equal([]);
  });

  it('when the quantity is 0, 100, fractional or missing, then 400; a line above 99 in total, then 422 QUANTITY_LIMIT', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h, { available: 500 });
    for (const quantity of [0, 100, 1.5, -1, '2']) {
      const res = await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity }, { token });
      expect(res.status, String(quantity)).to.equal(400);
    }
    expect((await h.api.post(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId }, { token })).status).to.equal(400);
    await addItem(h, token, cart.id, mug.productId, 99);
    const over = await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity: 1 }, { token });
    expect(over.status).to.equal(422);
    expect(over.body.code).to.equal('QUANTITY_LIMIT');
  });

  it('when the product is unknown or archived in the read model, then 422 PRODUCT_UNAVAILABLE', async () => {
    const { token, cart } = await customerWithCart(h);
    const archived = await knownProduct(h, { status: 'archived' });
    for (const productId of [randomUUID(), archived.productId]) {
      const res = await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId, quantity: 1 }, { token });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal('PRODUCT_UNAVAILABLE');
    }
  });

  it('when more than available is asked (adding or changing), then 409 INSUFFICIENT_STOCK', async () => {
    const { token, cart } = await customerWithCart(h);
    const few = await knownProduct(h, { available: 3 });
    const res = await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: few.productId, quantity: 4 }, { token });
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('INSUFFICIENT_STOCK');
    const body = await addItem(h, token, cart.id, few.productId, 2);
    const more = await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: few.productId, quantity: 2 }, { token });
    expect(more.body.code).to.equal('INSUFFICIENT_STOCK');
    const patch = await h.api.patch<Problem>(`/api/v1/carts/${cart.id}/items/${body.items[0]!.id}`, { quantity: 4 }, { token });
    expect(patch.status).to.equal(409);
    expect(patch.body.code).to.equal('INSUFFICIENT_STOCK');
  });

  it('when a line quantity is changed, then 200 with the new totals and the snapshot kept; an unknown line, then 404 CART_ITEM_NOT_FOUND', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h, { priceCents: 1299 });
    const body = await addItem(h, token, cart.id, mug.productId, 1);
    const itemId = body.items[0]!.id;
    const res = await h.api.patch<CartBody>(`/api/v1/carts/${cart.id}/items/${itemId}`, { quantity: 3 }, { token });
    expect(res.status).to.equal(200);
    expect(res.body.items[0]).to.include({ quantity: 3, unitPriceCents: 1299, lineTotalCents: 3897 });
    expect(res.body.totalCents).to.equal(3897);
    const unknown = await h.api.patch<Problem>(`/api/v1/carts/${cart.id}/items/${randomUUID()}`, { quantity: 1 }, { token });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('CART_ITEM_NOT_FOUND');
    expect((await h.api.patch(`/api/v1/carts/${cart.id}/items/${itemId}`, { quantity: 100 }, { token })).status).to.equal(400);
  });

  it('when a line is removed, then 204 and the cart no longer has it; again, then 404 CART_ITEM_NOT_FOUND', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h);
    const body = await addItem(h, token, cart.id, mug.productId, 1);
    const itemId = body.items[0]!.id;
    expect((await h.api.delete(`/api/v1/carts/${cart.id}/items/${itemId}`, { token })).status).to.equal(204);
    const read = await h.api.get<CartBody>(`/api/v1/carts/${cart.id}`, { token });
    expect(read.body).to.include({ itemCount: 0, totalCents: 0 });
    const again = await h.api.delete<Problem>(`/api/v1/carts/${cart.id}/items/${itemId}`, { token });
    expect(again.status).to.equal(404);
    expect(again.body.code).to.equal('CART_ITEM_NOT_FOUND');
  });

  it("when another customer touches the cart's lines, then 404 CART_NOT_FOUND and nothing changes", async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h);
    const body = await addItem(h, token, cart.id, mug.productId, 1);
    const stranger = h.customerToken();
    const itemPath = `/api/v1/carts/${cart.id}/items/${body.items[0]!.id}`;
    for (const res of [
      await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity: 1 }, { token: stranger }),
      await h.api.patch<Problem>(itemPath, { quantity: 5 }, { token: stranger }),
      await h.api.delete<Problem>(itemPath, { token: stranger }),
    ]) {
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('CART_NOT_FOUND');
    }
    expect((await h.api.get<CartBody>(`/api/v1/carts/${cart.id}`, { token })).body.itemCount).to.equal(1);
    // Admins read, but do not edit.
    expect((await h.api.patch(itemPath, { quantity: 5 }, { token: h.adminToken() })).status).to.equal(403);
  });

  it('when the cart is not pending, then every edit is 409 CART_NOT_PENDING', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h);
    const body = await addItem(h, token, cart.id, mug.productId, 1);
    await h.api.delete(`/api/v1/carts/${cart.id}`, { token });
    const itemPath = `/api/v1/carts/${cart.id}/items/${body.items[0]!.id}`;
    for (const res of [
      await h.api.post<Problem>(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity: 1 }, { token }),
      await h.api.patch<Problem>(itemPath, { quantity: 2 }, { token }),
      await h.api.delete<Problem>(itemPath, { token }),
    ]) {
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('CART_NOT_PENDING');
    }
  });

  it('when 10 adds of one product race, then one line with the summed quantity', async () => {
    const { token, cart } = await customerWithCart(h);
    const mug = await knownProduct(h, { available: 100 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.api.post(`/api/v1/carts/${cart.id}/items`, { productId: mug.productId, quantity: 2 }, { token })));
    expect(answers.map((a) => a.status)).to.deep.equal(Array(10).fill(201));
    const read = await h.api.get<CartBody>(`/api/v1/carts/${cart.id}`, { token });
    expect(read.body.items).to.have.length(1);
    expect(read.body.items[0]!.quantity).to.equal(20);
  });
});
