import type { EntityManager } from '@commerce/shared';
import { Address } from '../domain/address.js';
import { addressAdded } from '../messaging/events.js';

/**
 * Announces every live customer's addresses again (customer.address.added with the current data),
 * in batches of one transaction each, so a consumer's copy can be rebuilt or backfilled: addresses
 * created before a consumer existed, or a copy that was lost. Consumers order address events by
 * occurredAt, so this never rolls a newer change back; removed addresses are not announced.
 */
export async function republishAddresses(em: EntityManager, batchSize = 500): Promise<number> {
  let after = '';
  let total = 0;
  for (;;) {
    const batch = await em.fork().transactional(async (tx) => {
      const ids = await tx.execute<{ id: string }[]>(
        `select a.id from addresses a join customers c on c.id = a.customer_id
          where c.deleted_at is null and a.id > ? order by a.id limit ?`,
        [after || '00000000-0000-0000-0000-000000000000', batchSize],
      );
      const addresses = await tx.find(Address, { id: { $in: ids.map((r) => r.id) } }, { orderBy: { id: 'asc' } });
      for (const address of addresses) addressAdded(tx, address);
      return addresses;
    });
    total += batch.length;
    if (batch.length < batchSize) return total;
    after = batch[batch.length - 1]!.id;
  }
}
