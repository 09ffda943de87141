import { expect } from 'chai';
import { createTokenVerifier } from '../../src/auth/verifier.js';
import { testTokens } from '../../src/testing/index.js';

describe('testTokens (testing kit)', () => {
  it('when a test signs a token, then a verifier with its key resolver accepts it with subject and role; another key set rejects it', async () => {
    const tokens = testTokens('unit-test-key');
    const verify = createTokenVerifier(tokens.keyResolver);
    expect(await verify(tokens.sign('c0ffee00-0000-4000-8000-000000000001', 'admin'))).to.deep.equal({ customerId: 'c0ffee00-0000-4000-8000-000000000001', role: 'admin' });
    const other = createTokenVerifier(testTokens('unit-test-key').keyResolver);
    let code = '';
    await other(tokens.sign('x', 'customer')).catch((error: { code: string }) => (code = error.code));
    expect(code).to.equal('UNAUTHENTICATED');
  });
});
