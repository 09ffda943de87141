import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Cart, type PricedProduct } from '../../src/domain/cart.js';

const product = (changes: Partial<PricedProduct> = {}): PricedProduct => ({ productId: randomUUID(), name: 'Mug', priceCents: 1299, available: 1000, ...changes });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
};

describe('Cart (domain rules, no I/O)', () => {
  it('when products are added, then totals are integer cents from the snapshots and itemCount sums quantities', () => {
    const cart = new Cart(randomUUID());
    cart.addItem(product({ priceCents: 1999 }), 3);
    cart.addItem(product({ priceCents: 1 }), 2);
    expect(cart.totalCents).to.equal(5999);
    expect(cart.itemCount).to.equal(5);
    expect(Number.isInteger(cart.totalCents)).to.equal(true);
  });

  it('when the same product is added again, then its line grows and keeps its first price', () => {
    const cart = new Cart(randomUUID());
    const mug = product({ priceCents: 100 });
    cart.addItem(mug, 1);
    const { created, item } = cart.addItem({ ...mug, priceCents: 999 }, 2);
    expect(created).to.equal(false);
    expect(item).to.include({ quantity: 3, unitPriceCents: 100 });
    expect(cart.items).to.have.length(1);
  });

  it('when a line would pass 99 or the stock, then QUANTITY_LIMIT / INSUFFICIENT_STOCK; 100 lines at most', () => {
    const cart = new Cart(randomUUID());
    const mug = product();
    cart.addItem(mug, 99);
    expect(codeOf(() => cart.addItem(mug, 1))).to.equal('QUANTITY_LIMIT');
    expect(codeOf(() => cart.addItem(product({ available: 2 }), 3))).to.equal('INSUFFICIENT_STOCK');
    for (let i = 1; i < 100; i++) cart.addItem(product(), 1);
    expect(codeOf(() => cart.addItem(product(), 1))).to.equal('QUANTITY_LIMIT');
  });

  it('when the cart is not pending, then edits are CART_NOT_PENDING and transitions follow the table', () => {
    const cart = new Cart(randomUUID());
    expect(codeOf(() => cart.submit(randomUUID()))).to.equal('CART_EMPTY');
    const line = cart.addItem(product(), 1).item;
    cart.submit(randomUUID());
    expect(codeOf(() => cart.changeQuantity(line.id, 2, 100))).to.equal('CART_NOT_PENDING');
    expect(codeOf(() => cart.abandon())).to.equal('INVALID_TRANSITION');
    cart.reopen();
    expect(cart.orderId).to.equal(null);
    cart.abandon();
    expect(codeOf(() => cart.reopen())).to.equal('INVALID_TRANSITION');
  });

  it('when a reopened cart absorbs another, then lines merge (capped at 99) and keep this cart’s snapshot', () => {
    const mine = new Cart(randomUUID());
    const other = new Cart(mine.customerId);
    const mug = product({ priceCents: 100 });
    mine.addItem(mug, 90);
    other.addItem({ ...mug, priceCents: 200 }, 20);
    other.addItem(product({ priceCents: 5 }), 1);
    const created = mine.absorb(other);
    expect(created).to.have.length(1);
    expect(mine.items.map((i) => [i.quantity, i.unitPriceCents])).to.deep.equal([
      [99, 100],
      [1, 5],
    ]);
  });
});
