import { Migration } from '@mikro-orm/migrations';

/**
 * The cart's own tables (carts and their lines) and its two read models, kept by events of other
 * services: product_snapshots (catalog) and customer_addresses (customer). Times are
 * timestamptz(3), the precision of a JS Date.
 */
export class Migration20261125200000Cart extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table carts (
        id uuid primary key,
        customer_id uuid not null,
        status text not null check (status in ('pending', 'submitted', 'converted', 'abandoned')),
        order_id uuid null,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint carts_order_id_unique unique (order_id)
      )`);
    // At most one pending cart per customer: the database is the guard, so concurrent creates
    // can't both win (the loser catches the violation and answers with the winner's cart).
    this.addSql(`create unique index carts_one_pending_per_customer on carts (customer_id) where status = 'pending'`);
    this.addSql(`create index carts_customer on carts (customer_id)`);
    // The idle timer scans pending carts by age.
    this.addSql(`create index carts_pending_updated_at on carts (updated_at) where status = 'pending'`);

    this.addSql(`
      create table cart_items (
        id uuid primary key,
        cart_id uuid not null references carts (id) on delete cascade,
        product_id uuid not null,
        name text not null,
        unit_price_cents integer not null check (unit_price_cents >= 0),
        quantity integer not null check (quantity between 1 and 99),
        added_at timestamptz(3) not null,
        constraint cart_items_one_line_per_product unique (cart_id, product_id)
      )`);

    // What the cart knows of a product, from catalog events. Product facts (name, price, status)
    // and the stock figure arrive by different events, so each has its own "as of" time: an event
    // older than the one already applied is ignored, and out-of-order delivery can't roll back.
    // A row first created by a stock event has no facts yet (status 'unknown', last_event_at null).
    this.addSql(`
      create table product_snapshots (
        product_id uuid primary key,
        name text not null default '',
        price_cents integer not null default 0,
        currency char(3) not null default 'USD',
        status text not null check (status in ('active', 'archived', 'unknown')),
        available integer not null default 0,
        last_event_at timestamptz(3) null,
        available_at timestamptz(3) null
      )`);

    // The shipping addresses of customers, from customer.address.* events. A removed address
    // stays as a tombstone (removed = true) so a late, older "added" can't bring it back.
    this.addSql(`
      create table customer_addresses (
        address_id uuid primary key,
        customer_id uuid not null,
        line1 text not null,
        line2 text null,
        city text not null,
        postal_code text not null,
        country char(2) not null,
        removed boolean not null default false,
        last_event_at timestamptz(3) not null
      )`);
    this.addSql(`create index customer_addresses_customer on customer_addresses (customer_id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists customer_addresses`);
    this.addSql(`drop table if exists product_snapshots`);
    this.addSql(`drop table if exists cart_items`);
    this.addSql(`drop table if exists carts`);
  }
}
