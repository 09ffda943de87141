import type { EntityManager } from '@commerce/shared';

/** What catalog.product.* events carry (the part the cart keeps). */
export interface ProductFacts {
  productId: string;
  name: string;
  priceCents: number;
  currency: string;
  status: 'active' | 'archived';
  available: number;
}

/**
 * Applies a catalog.product.* event to the product read model, as of `at` (the event's
 * occurredAt). Facts (name, price, currency, status) change only if `at` is newer than the facts
 * already held; `available` only if newer than the last stock figure. So a late, older event
 * never rolls the model back, whatever order the broker delivers in.
 */
export async function applyProductFacts(tx: EntityManager, facts: ProductFacts, at: Date): Promise<void> {
  await tx.execute(
    `insert into product_snapshots (product_id, name, price_cents, currency, status, available, last_event_at, available_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (product_id) do update set
       name = excluded.name, price_cents = excluded.price_cents, currency = excluded.currency,
       status = excluded.status, last_event_at = excluded.last_event_at
     where product_snapshots.last_event_at is null or product_snapshots.last_event_at < excluded.last_event_at`,
    [facts.productId, facts.name, facts.priceCents, facts.currency, facts.status, facts.available, at, at],
  );
  await applyAvailability(tx, facts.productId, facts.available, at);
}

/**
 * Applies a stock figure (catalog.stock.changed, or the one a product event carries) if it is
 * newer than the one held. A stock event for a product not seen yet creates a row without facts
 * (status 'unknown': not sellable until its product event arrives).
 */
export async function applyAvailability(tx: EntityManager, productId: string, available: number, at: Date): Promise<void> {
  await tx.execute(
    `insert into product_snapshots (product_id, status, available, available_at) values (?, 'unknown', ?, ?)
     on conflict (product_id) do update set available = excluded.available, available_at = excluded.available_at
     where product_snapshots.available_at is null or product_snapshots.available_at < excluded.available_at`,
    [productId, available, at],
  );
}

export interface AddressFacts {
  customerId: string;
  addressId: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

/** customer.address.added / .updated: the whole address replaces the copy, if newer. */
export async function applyAddress(tx: EntityManager, a: AddressFacts, at: Date): Promise<void> {
  await tx.execute(
    `insert into customer_addresses (address_id, customer_id, line1, line2, city, postal_code, country, removed, last_event_at)
     values (?, ?, ?, ?, ?, ?, ?, false, ?)
     on conflict (address_id) do update set
       line1 = excluded.line1, line2 = excluded.line2, city = excluded.city, postal_code = excluded.postal_code,
       country = excluded.country, last_event_at = excluded.last_event_at
     where customer_addresses.last_event_at < excluded.last_event_at and not customer_addresses.removed`,
    [a.addressId, a.customerId, a.line1, a.line2, a.city, a.postalCode, a.country, at],
  );
}

/** customer.address.removed: a tombstone (personal data cleared), so an older "added" delivered late can't revive it. */
export async function removeAddress(tx: EntityManager, a: { customerId: string; addressId: string }, at: Date): Promise<void> {
  await tx.execute(
    `insert into customer_addresses (address_id, customer_id, line1, line2, city, postal_code, country, removed, last_event_at)
     values (?, ?, '', null, '', '', 'XX', true, ?)
     on conflict (address_id) do update set removed = true, line1 = '', line2 = null, city = '', postal_code = '', country = 'XX',
       last_event_at = greatest(customer_addresses.last_event_at, excluded.last_event_at)`,
    [a.addressId, a.customerId, at],
  );
}
