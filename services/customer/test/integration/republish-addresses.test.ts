import { expect } from 'chai';
import { useCustomerService } from '../support/harness.js';
import { signedUpCustomer } from '../support/accounts.js';
import { createLogger } from '@commerce/shared';
import { openDatabase } from '../../src/database.js';
import { republishAddresses } from '../../src/use-cases/republish-addresses.js';
import { runNode } from '../support/run-node.js';

const home = { line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const base = '/api/v1/customers/me/addresses';

describe('re-announcing addresses for a consumer to rebuild its copy', () => {
  const h = useCustomerService();

  it('when run, then every address of a live customer is announced once with its current data; removed ones and deleted customers are not', async () => {
    const alice = await signedUpCustomer(h.api);
    const bob = await signedUpCustomer(h.api);
    const gone = await signedUpCustomer(h.api);
    const kept = (await h.api.post<{ id: string }>(base, home, { token: alice.accessToken })).body.id;
    const removed = (await h.api.post<{ id: string }>(base, home, { token: alice.accessToken })).body.id;
    await h.api.delete(`${base}/${removed}`, { token: alice.accessToken });
    await h.api.patch(`${base}/${kept}`, { city: 'Shelbyville' }, { token: alice.accessToken });
    const bobs = (await h.api.post<{ id: string }>(base, home, { token: bob.accessToken })).body.id;
    await h.api.post(base, home, { token: gone.accessToken });
    await h.api.delete('/api/v1/customers/me', { token: gone.accessToken });
    await h.db.query('delete from outbox');

    const orm = await openDatabase(h.config.DATABASE_URL, createLogger('customer-test', 'error'));
    const count = await republishAddresses(orm.em, 1).finally(() => orm.close());
    expect(count).to.equal(2);
    const rows = await h.db.query<{ type: string; data: { addressId: string; city: string } }>(
      `select type, payload->'data' as data from outbox order by seq`,
    );
    expect(rows.rows.map((r) => r.type)).to.deep.equal(['customer.address.added', 'customer.address.added']);
    expect(rows.rows.map((r) => r.data.addressId).sort()).to.deep.equal([kept, bobs].sort());
    expect(rows.rows.find((r) => r.data.addressId === kept)!.data.city).to.equal('Shelbyville');
  });

  it('when run as the operator command, then it says how many it announced', async () => {
    const alice = await signedUpCustomer(h.api);
    await h.api.post(base, home, { token: alice.accessToken });
    const run = runNode('src/cli/republish-addresses.ts', [], process.env);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('1 address(es) announced again');
  });
});
