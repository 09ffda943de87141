import { expect } from 'chai';
import { redactEntry } from '../../src/logging/redact.js';

describe('log redaction', () => {
  it('when a key names a secret or personal data, then its value is replaced at any depth', () => {
    const out = redactEntry('meta', {
      password: 'hunter2hunter2',
      nested: { refreshToken: 'abc', Authorization: 'Bearer x', email: 'a@b.c', ok: 1 },
      list: [{ newPassword: 'p' }],
    });
    expect(out).to.deep.equal({
      password: '[redacted]',
      nested: { refreshToken: '[redacted]', Authorization: '[redacted]', email: '[redacted]', ok: 1 },
      list: [{ newPassword: '[redacted]' }],
    });
  });

  it('when the value is an error, then name, message and stack are kept', () => {
    const out = redactEntry('error', new Error('boom')) as { name: string; message: string; stack: string };
    expect(out.name).to.equal('Error');
    expect(out.message).to.equal('boom');
    expect(out.stack).to.contain('boom');
  });

  it('when the top-level key is sensitive, then the whole value is hidden', () => {
    expect(redactEntry('accessToken', 'eyJ...')).to.equal('[redacted]');
    expect(redactEntry('customerId', 'c-1')).to.equal('c-1');
  });
});
