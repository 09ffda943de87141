import { expect } from 'chai';
import { REFRESH_TOKEN_TTL_MS, RefreshToken } from '../../src/domain/refresh-token.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('RefreshToken', () => {
  it('when new, then it is active until it expires', () => {
    const token = new RefreshToken({ customerId: 'c', tokenHash: 'h1', now: t0 });
    expect(token.stateAt(later(1000))).to.equal('active');
    expect(token.stateAt(later(REFRESH_TOKEN_TTL_MS))).to.equal('expired');
  });

  it('when rotated, then the old one is rotated and the successor is active in the same family', () => {
    const token = new RefreshToken({ customerId: 'c', tokenHash: 'h1', now: t0 });
    const next = token.rotate('h2', later(10));
    expect(token.stateAt(later(20))).to.equal('rotated');
    expect(next.stateAt(later(20))).to.equal('active');
    expect(next.familyId).to.equal(token.familyId);
    expect(next.customerId).to.equal('c');
    expect(next.expiresAt.getTime()).to.equal(later(10 + REFRESH_TOKEN_TTL_MS).getTime());
  });

  it('when revoked, then revocation wins over rotation and keeps its first time', () => {
    const token = new RefreshToken({ customerId: 'c', tokenHash: 'h1', now: t0 });
    token.rotate('h2', later(1));
    token.revoke(later(2));
    token.revoke(later(3));
    expect(token.stateAt(later(4))).to.equal('revoked');
    expect(token.revokedAt).to.deep.equal(later(2));
  });

  it('when two logins happen, then they start different families', () => {
    const a = new RefreshToken({ customerId: 'c', tokenHash: 'a' });
    const b = new RefreshToken({ customerId: 'c', tokenHash: 'b' });
    expect(a.familyId).not.to.equal(b.familyId);
  });
});
