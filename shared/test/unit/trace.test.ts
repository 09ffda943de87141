import { expect } from 'chai';
import { parseTraceparent } from '../../src/http/trace.js';

describe('traceparent parsing', () => {
  it('when the header is valid, then its trace id, parent and flags are read', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).to.deep.equal({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  for (const bad of [undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7']) {
    it(`when the header is ${JSON.stringify(bad)}, then it is ignored`, () => {
      expect(parseTraceparent(bad)).to.equal(undefined);
    });
  }
});
