import { expect } from 'chai';
import { UnprocessableError } from '@commerce/shared';
import { Address, MAX_ADDRESSES_PER_CUSTOMER, assertMayAddAddress } from '../../src/domain/address.js';

describe('Address', () => {
  it('when created, then fields are trimmed, an empty line2 is null and the country is upper case', () => {
    const a = new Address('c1', { line1: ' 1 Main St ', line2: '  ', city: ' Berlin', postalCode: ' 10115 ', country: 'de' });
    expect(a).to.include({ customerId: 'c1', line1: '1 Main St', line2: null, city: 'Berlin', postalCode: '10115', country: 'DE' });
  });

  it('when updated partially, then only the given fields change', () => {
    const a = new Address('c1', { line1: 'x', city: 'y', postalCode: 'z', country: 'FR' });
    a.update({ city: 'Paris', line2: 'Apt 4' });
    expect(a).to.include({ line1: 'x', city: 'Paris', line2: 'Apt 4', country: 'FR' });
    a.update({ line2: null });
    expect(a.line2).to.equal(null);
  });

  it(`allows up to ${MAX_ADDRESSES_PER_CUSTOMER} addresses and refuses one more`, () => {
    expect(() => assertMayAddAddress(MAX_ADDRESSES_PER_CUSTOMER - 1)).not.to.throw();
    expect(() => assertMayAddAddress(MAX_ADDRESSES_PER_CUSTOMER)).to.throw(UnprocessableError).with.property('code', 'ADDRESS_LIMIT_REACHED');
  });
});
