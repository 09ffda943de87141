import { expect } from 'chai';
import { DEMO_CATEGORIES, demoProducts } from '../../src/cli/demo-catalog.js';

describe('the demo catalog', () => {
  const all = DEMO_CATEGORIES.flatMap((c) => demoProducts(c));

  it('when generated, then 10 categories with valid unique slugs and 1,000 products with unique, valid SKUs', () => {
    expect(DEMO_CATEGORIES).to.have.length(10);
    expect(new Set(DEMO_CATEGORIES.map((c) => c.slug)).size).to.equal(10);
    // The contract's slug pattern, ^[a-z0-9]+(-[a-z0-9]+)*$, said without nested quantifiers.
    const isSlug = (s: string) => /^[a-z0-9-]+$/.test(s) && !s.startsWith('-') && !s.endsWith('-') && !s.includes('--');
    expect(DEMO_CATEGORIES.every((c) => isSlug(c.slug))).to.equal(true);
    expect(all).to.have.length(1000);
    expect(new Set(all.map((p) => p.sku)).size).to.equal(1000);
    expect(all.every((p) => /^[A-Za-z0-9._-]{1,64}$/.test(p.sku) && p.name.length <= 200 && p.description.length <= 5000)).to.equal(true);
    expect(all.every((p) => Number.isInteger(p.priceCents) && p.priceCents > 0 && p.initialStock >= 0 && p.initialStock <= 1_000_000)).to.equal(true);
  });

  it('when generated twice, then it is the same data (nothing random), with some products out of stock', () => {
    expect(DEMO_CATEGORIES.flatMap((c) => demoProducts(c))).to.deep.equal(all);
    const outOfStock = all.filter((p) => p.initialStock === 0).length;
    expect(outOfStock).to.be.within(50, 250);
  });
});
