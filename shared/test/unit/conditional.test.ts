import { expect } from 'chai';
import type { Request } from 'express';
import { PreconditionFailedError } from '../../src/errors.js';
import { assertIfMatch, etagOf } from '../../src/http/conditional.js';

const requestWith = (headers: Record<string, string>) => ({ get: (name: string) => headers[name.toLowerCase()] }) as unknown as Request;

describe('conditional requests', () => {
  it('when the representation is the same, then the ETag is the same; when it changes, so does the tag', () => {
    expect(etagOf({ a: 1 })).to.equal(etagOf({ a: 1 }));
    expect(etagOf({ a: 1 })).not.to.equal(etagOf({ a: 2 }));
    expect(etagOf({ a: 1 })).to.match(/^"[\w-]+"$/);
  });

  it('when If-Match names the current tag (or *), then the write may proceed', () => {
    const current = { id: 'x', v: 1 };
    expect(() => assertIfMatch(requestWith({ 'if-match': etagOf(current) }), current)).not.to.throw();
    expect(() => assertIfMatch(requestWith({ 'if-match': `"other", ${etagOf(current)}` }), current)).not.to.throw();
    expect(() => assertIfMatch(requestWith({ 'if-match': '*' }), current)).not.to.throw();
    expect(() => assertIfMatch(requestWith({}), current)).not.to.throw();
  });

  it('when If-Match is stale, then 412 PRECONDITION_FAILED', () => {
    expect(() => assertIfMatch(requestWith({ 'if-match': etagOf({ v: 0 }) }), { v: 1 }))
      .to.throw(PreconditionFailedError)
      .with.property('code', 'PRECONDITION_FAILED');
  });
});
