import { expect } from 'chai';
import { parseProductQuery } from '../../src/http/product-routes.js';

describe('parseProductQuery (the listing query, normalised for the database and the cache key)', () => {
  it('when nothing is given, then newest first, 20 per page, no filter', () => {
    expect(parseProductQuery({})).to.deep.equal({ sort: '-createdAt', limit: 20 });
  });

  it('when filters come as query strings, then they become numbers and booleans, and q loses its surrounding blanks', () => {
    expect(parseProductQuery({ q: '  mug ', categoryId: 'c', minPriceCents: '5', maxPriceCents: 10, inStock: 'false', sort: 'name', limit: '7', cursor: 'abc' })).to.deep.equal({
      q: 'mug',
      categoryId: 'c',
      minPriceCents: 5,
      maxPriceCents: 10,
      inStock: false,
      sort: 'name',
      limit: 7,
      cursor: 'abc',
    });
    expect(parseProductQuery({ inStock: true }).inStock).to.equal(true);
  });

  it('when two requests ask the same question in another parameter order, then the normalised query (the cache key) is the same', () => {
    const a = parseProductQuery({ q: 'mug', sort: 'priceCents', inStock: 'true' });
    const b = parseProductQuery({ inStock: true, sort: 'priceCents', q: ' mug' });
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it('when q is only blanks, then it is a validation error naming /query/q', () => {
    expect(() => parseProductQuery({ q: '   ' })).to.throw().that.deep.includes({ status: 400, errors: [{ path: '/query/q', message: 'must contain a non-blank character' }] });
  });
});
