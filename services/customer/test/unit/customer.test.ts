import { expect } from 'chai';
import { ForbiddenError, UnprocessableError } from '@commerce/shared';
import { Customer, normalizeEmail } from '../../src/domain/customer.js';

const someone = () => new Customer({ email: '  Ada@Example.COM ', name: ' Ada ', passwordHash: 'h' });

describe('Customer', () => {
  it('when created, then the email is trimmed, normalised for uniqueness and the role is customer', () => {
    const c = someone();
    expect(c.email).to.equal('Ada@Example.COM');
    expect(c.emailNormalized).to.equal('ada@example.com');
    expect(c.name).to.equal('Ada');
    expect(c.role).to.equal('customer');
    expect(c.status).to.equal('active');
  });

  it('normalizeEmail trims and lowercases', () => {
    expect(normalizeEmail(' X@Y.io\t')).to.equal('x@y.io');
  });

  it('when suspended, then signing in is refused with ACCOUNT_SUSPENDED', () => {
    const c = someone();
    c.applyAdminChange('another-admin', { status: 'suspended' });
    expect(() => c.assertMaySignIn()).to.throw(ForbiddenError).with.property('code', 'ACCOUNT_SUSPENDED');
  });

  it('when active, then signing in is allowed', () => {
    expect(() => someone().assertMaySignIn()).not.to.throw();
  });

  it('when the email changes, then the normalised email follows', () => {
    const c = someone();
    c.changeProfile({ email: ' New@Mail.org ', phone: '+4915112345678' });
    expect(c.email).to.equal('New@Mail.org');
    expect(c.emailNormalized).to.equal('new@mail.org');
    expect(c.phone).to.equal('+4915112345678');
  });

  it('when an admin suspends or demotes themselves, then it is refused', () => {
    const admin = new Customer({ email: 'a@b.co', name: 'A', passwordHash: 'h', role: 'admin' });
    expect(() => admin.applyAdminChange(admin.id, { status: 'suspended' })).to.throw(UnprocessableError).with.property('code', 'CANNOT_MODIFY_SELF');
    expect(() => admin.applyAdminChange(admin.id, { role: 'customer' })).to.throw(UnprocessableError);
    expect(admin.role).to.equal('admin');
    expect(admin.status).to.equal('active');
  });

  it('when an admin re-affirms their own role and status, then nothing is refused', () => {
    const admin = new Customer({ email: 'a@b.co', name: 'A', passwordHash: 'h', role: 'admin' });
    admin.applyAdminChange(admin.id, { status: 'active', role: 'admin' });
    expect(admin.role).to.equal('admin');
  });

  it('when an admin changes someone else, then status and role change', () => {
    const c = someone();
    c.applyAdminChange('admin-id', { role: 'admin', status: 'suspended' });
    expect(c.role).to.equal('admin');
    expect(c.status).to.equal('suspended');
  });

  it('when deleted, then deletedAt is set', () => {
    const c = someone();
    const at = new Date('2026-01-01T00:00:00Z');
    c.markDeleted(at);
    expect(c.deletedAt).to.equal(at);
  });
});
