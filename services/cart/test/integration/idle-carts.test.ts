import { expect } from 'chai';
import { eventually } from '@commerce/shared/testing';
import { useCartService } from '../support/harness.js';
import { cartStatusOf, counterValue, customerWithCart } from '../support/fixtures.js';

describe('the idle-cart timer', () => {
  // A short sweep interval; the idle period stays in hours, so the test ages carts in the database.
  const h = useCartService({ CART_IDLE_ABANDON_AFTER_HOURS: '72', CART_IDLE_SWEEP_INTERVAL_MS: '100' });

  it('when pending carts are idle longer than the period, then the timer abandons them and counts them; fresh and submitted carts stay', async () => {
    const before = await counterValue(h, 'carts_abandoned_total', { reason: 'idle' });
    const idle1 = await customerWithCart(h);
    const idle2 = await customerWithCart(h);
    const fresh = await customerWithCart(h);
    const submitted = await customerWithCart(h);
    await h.db.query(`update carts set updated_at = now() - interval '73 hours' where id = any($1::uuid[])`, [[idle1.cart.id, idle2.cart.id]]);
    await h.db.query(`update carts set status = 'submitted', updated_at = now() - interval '100 hours' where id = $1`, [submitted.cart.id]);

    await eventually(async () => {
      expect((await cartStatusOf(h, idle1.cart.id))!.status).to.equal('abandoned');
      expect((await cartStatusOf(h, idle2.cart.id))!.status).to.equal('abandoned');
    });
    await eventually(async () => expect(await counterValue(h, 'carts_abandoned_total', { reason: 'idle' })).to.equal(before + 2));
    expect((await cartStatusOf(h, fresh.cart.id))!.status).to.equal('pending');
    expect((await cartStatusOf(h, submitted.cart.id))!.status).to.equal('submitted');
    // The owner of an abandoned cart simply opens a new one.
    expect((await h.api.post('/api/v1/carts', undefined, { token: idle1.token })).status).to.equal(201);
  });
});
