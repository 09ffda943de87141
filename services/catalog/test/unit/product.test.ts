import { expect } from 'chai';
import { Category } from '../../src/domain/category.js';
import { Product, STORE_CURRENCY } from '../../src/domain/product.js';

const newProduct = (extra: Partial<ConstructorParameters<typeof Product>[0]> = {}) => new Product({ sku: 'MUG-1', name: ' Mug ', priceCents: 1200, ...extra }, new Date('2026-01-01T00:00:00.000Z'));

describe('Product', () => {
  it('when created, then it is active, in the store currency, trimmed, with no category and an empty description by default', () => {
    const product = newProduct();
    expect(product).to.include({ sku: 'MUG-1', name: 'Mug', description: '', priceCents: 1200, currency: STORE_CURRENCY, categoryId: null, status: 'active' });
    expect(product.createdAt.getTime()).to.equal(product.updatedAt.getTime());
    expect(product.id).to.match(/^[0-9a-f-]{36}$/);
    expect(newProduct().id).not.to.equal(product.id);
  });

  it('when changed, then only the given fields change and updatedAt moves', () => {
    const product = newProduct({ categoryId: 'c1', description: 'old' });
    const later = new Date('2026-02-01T00:00:00.000Z');
    product.change({ priceCents: 999 }, later);
    expect(product).to.include({ name: 'Mug', description: 'old', priceCents: 999, categoryId: 'c1' });
    expect(product.updatedAt).to.equal(later);
    product.change({ name: ' Big mug ', description: '', categoryId: null });
    expect(product).to.include({ name: 'Big mug', description: '', categoryId: null, priceCents: 999 });
  });

  it('when archived, then archiving again changes nothing and says so', () => {
    const product = newProduct();
    const at = new Date('2026-03-01T00:00:00.000Z');
    expect(product.archive(at)).to.equal(true);
    expect(product.status).to.equal('archived');
    expect(product.isArchived()).to.equal(true);
    expect(product.archive(new Date('2026-04-01T00:00:00.000Z'))).to.equal(false);
    expect(product.updatedAt).to.equal(at);
  });

  it('when an archived product is changed, then PRODUCT_ARCHIVED (409) and nothing changes', () => {
    const product = newProduct();
    product.archive();
    expect(() => product.change({ name: 'Back' })).to.throw().that.includes({ code: 'PRODUCT_ARCHIVED', status: 409 });
    expect(product.name).to.equal('Mug');
  });
});

describe('Category', () => {
  it('when created, then the name is trimmed and the slug kept as given', () => {
    const category = new Category({ name: ' Garden  ', slug: 'garden' });
    expect(category).to.include({ name: 'Garden', slug: 'garden' });
    expect(category.createdAt).to.be.instanceOf(Date);
  });
});
