import { expect } from 'chai';
import pg from 'pg';
import { runNode as run } from '../support/run-node.js';

describe('operator commands', () => {
  const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const email = `first-admin-${Date.now()}@example.com`;
  after(async () => {
    await db.query('truncate customers, addresses, refresh_tokens, outbox, inbox cascade');
    await db.end();
  });

  it('when migrate up runs twice, then the second run applies nothing', () => {
    run('src/cli/migrate.ts', ['up'], process.env);
    const second = run('src/cli/migrate.ts', ['up'], process.env);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('applied 0 migration(s)');
    expect(run('src/cli/migrate.ts', ['sideways'], process.env).status).to.equal(2);
  });

  it('when create-admin runs without a password, then one is generated and printed once; a second run creates nothing', async () => {
    const first = run('src/cli/create-admin.ts', [], { ...process.env, ADMIN_EMAIL: email });
    expect(first.status, first.stderr).to.equal(0);
    const password = /password: (\S+)/.exec(first.stdout)?.[1];
    expect(password).to.have.length.greaterThan(15);
    const row = await db.query(`select role from customers where email = $1`, [email]);
    expect(row.rows).to.deep.equal([{ role: 'admin' }]);

    const second = run('src/cli/create-admin.ts', [], { ...process.env, ADMIN_EMAIL: email });
    expect(second.status).to.equal(0);
    expect(second.stdout).to.contain('exists already');
    expect(second.stdout).not.to.contain('password');
  });

  it('when ADMIN_PASSWORD is too short, then nothing is created and the command fails', async () => {
    const res = run('src/cli/create-admin.ts', [], { ...process.env, ADMIN_EMAIL: `short-${email}`, ADMIN_PASSWORD: 'short' });
    expect(res.status).to.equal(2);
    expect((await db.query(`select 1 from customers where email = $1`, [`short-${email}`])).rowCount).to.equal(0);
  });
});
