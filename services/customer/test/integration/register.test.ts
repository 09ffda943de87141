import { expect } from 'chai';
import { useCustomerService, uniqueEmail } from '../support/harness.js';

describe('POST /api/v1/auth/register', () => {
  const h = useCustomerService();

  it('when the input is valid, then 201 with the customer, a Location, and no password anywhere', async () => {
    const email = uniqueEmail();
    const res = await h.api.post<Record<string, unknown>>('/api/v1/auth/register', { email: `  ${email.toUpperCase()} `, password: 'long-enough-pw', name: 'Ada' });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ email: email.toUpperCase(), name: 'Ada', role: 'customer', status: 'active', phone: null });
    expect(res.headers.get('location')).to.equal(`/api/v1/customers/${String(res.body.id)}`);
    expect(JSON.stringify(res.body)).not.to.match(/password|hash/i);
    const stored = await h.db.query('select password_hash from customers where id = $1', [res.body.id]);
    expect(stored.rows[0].password_hash).to.match(/^\$argon2id\$/);
  });

  it('when the email exists in another case, then 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    expect((await h.api.post('/api/v1/auth/register', { email, password: 'long-enough-pw', name: 'A' })).status).to.equal(201);
    const again = await h.api.post<{ code: string; status: number }>('/api/v1/auth/register', { email: email.toUpperCase(), password: 'long-enough-pw', name: 'B' });
    expect(again.status).to.equal(409);
    expect(again.headers.get('content-type')).to.contain('application/problem+json');
    expect(again.body).to.include({ code: 'EMAIL_TAKEN', status: 409 });
  });

  it('when ten registrations of one email race, then exactly one 201 and nine 409, never a 500', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.api.post('/api/v1/auth/register', { email, password: 'long-enough-pw', name: `Racer ${i}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await h.db.query('select count(*)::int as n from customers where email_normalized = $1', [email]);
    expect(rows.rows[0].n).to.equal(1);
  });

  it('when the password is shorter than 10 characters, then 400 VALIDATION_FAILED naming the field', async () => {
    const res = await h.api.post<{ code: string; errors: { path: string }[] }>('/api/v1/auth/register', { email: uniqueEmail(), password: 'short', name: 'A' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    expect(res.body.errors.map((e) => e.path).join()).to.contain('password');
  });

  it('when the body has an unknown property, then 400 and nothing is stored', async () => {
    const email = uniqueEmail();
    const res = await h.api.post<{ code: string }>('/api/v1/auth/register', { email, password: 'long-enough-pw', name: 'A', role: 'admin' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    expect((await h.db.query('select 1 from customers where email_normalized = $1', [email])).rowCount).to.equal(0);
  });

  it('when the body is not JSON, then 400 MALFORMED_JSON', async () => {
    const res = await h.api.post<{ code: string }>('/api/v1/auth/register', undefined, { raw: '{"email": ' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('MALFORMED_JSON');
  });

  it('when the body is over 100 kB, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await h.api.post<{ code: string }>('/api/v1/auth/register', { email: uniqueEmail(), password: 'long-enough-pw', name: 'x'.repeat(120_000) });
    expect(res.status).to.equal(413);
    expect(res.body.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('when the content type is not JSON, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await h.api.post<{ code: string }>('/api/v1/auth/register', undefined, { raw: 'email=a', headers: { 'content-type': 'text/plain' } });
    expect(res.status).to.equal(415);
    expect(res.body.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when registered, then customer.customer.registered is written to the outbox in the same transaction', async () => {
    const res = await h.api.post<{ id: string }>('/api/v1/auth/register', { email: uniqueEmail(), password: 'long-enough-pw', name: 'A' });
    const rows = await h.db.query(`select type, payload from outbox where payload->'data'->>'customerId' = $1`, [res.body.id]);
    expect(rows.rows.map((r: { type: string }) => r.type)).to.deep.equal(['customer.customer.registered']);
  });
});
