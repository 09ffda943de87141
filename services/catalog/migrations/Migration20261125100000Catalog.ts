import { Migration } from '@mikro-orm/migrations';

/**
 * The catalog's tables: categories, products (with their search vector), and the stock tables
 * (inventory, stock_movements, reservations). Times are timestamptz(3), the precision of a JS
 * Date, so keyset cursors built from a Date find exactly the row they came from.
 */
export class Migration20261125100000Catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm`);
    this.addSql(`
      create table categories (
        id uuid primary key,
        name text not null,
        slug text not null,
        created_at timestamptz(3) not null,
        constraint categories_slug_unique unique (slug)
      )`);
    this.addSql(`create index categories_name_id on categories (name, id)`);

    // Search: full-text over name (weight A) and description (B) with English stemming
    // ("laptops" finds "Laptop"), in a generated column with a GIN index; plus a trigram index on
    // the name so a partial word ("lapt") matches too (ILIKE '%lapt%' uses gin_trgm_ops).
    this.addSql(`
      create table products (
        id uuid primary key,
        sku text not null,
        name text not null,
        description text not null default '',
        price_cents integer not null check (price_cents >= 0),
        currency char(3) not null default 'USD',
        category_id uuid null references categories (id),
        status text not null default 'active' check (status in ('active', 'archived')),
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        search tsvector generated always as (
          setweight(to_tsvector('english'::regconfig, name), 'A') ||
          setweight(to_tsvector('english'::regconfig, description), 'B')
        ) stored,
        constraint products_sku_unique unique (sku)
      )`);
    // One index per public sort, on (key, id) as the keyset needs, only over what is listed.
    this.addSql(`create index products_active_created_at_id on products (created_at, id) where status = 'active'`);
    this.addSql(`create index products_active_price_id on products (price_cents, id) where status = 'active'`);
    this.addSql(`create index products_active_name_id on products (name, id) where status = 'active'`);
    this.addSql(`create index products_category on products (category_id)`);
    this.addSql(`create index products_search on products using gin (search)`);
    this.addSql(`create index products_name_trgm on products using gin (name gin_trgm_ops)`);

    this.addSql(`
      create table inventory (
        product_id uuid primary key references products (id),
        on_hand integer not null,
        reserved integer not null default 0,
        updated_at timestamptz(3) not null,
        constraint inventory_reserved_not_negative check (reserved >= 0),
        constraint inventory_on_hand_covers_reserved check (on_hand >= reserved)
      )`);
    // The inStock filter (available > 0) joins on the primary key; this lets it scan only stocked rows.
    this.addSql(`create index inventory_in_stock on inventory (product_id) where on_hand > reserved`);

    this.addSql(`
      create table stock_movements (
        id uuid primary key,
        product_id uuid not null references products (id),
        kind text not null check (kind in ('initial', 'adjustment', 'reservation', 'commit', 'release', 'restock')),
        delta_on_hand integer not null,
        delta_reserved integer not null,
        on_hand_after integer not null,
        reserved_after integer not null,
        reason text null,
        order_id uuid null,
        actor text not null,
        created_at timestamptz(3) not null
      )`);
    this.addSql(`create index stock_movements_product_created on stock_movements (product_id, created_at desc, id desc)`);

    this.addSql(`
      create table reservations (
        order_id uuid not null,
        product_id uuid not null references products (id),
        quantity integer not null check (quantity > 0),
        status text not null check (status in ('held', 'committed', 'released', 'restocked')),
        expires_at timestamptz(3) not null,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        primary key (order_id, product_id)
      )`);
    this.addSql(`create index reservations_held_expiry on reservations (expires_at) where status = 'held'`);
    this.addSql(`create index reservations_product on reservations (product_id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists reservations`);
    this.addSql(`drop table if exists stock_movements`);
    this.addSql(`drop table if exists inventory`);
    this.addSql(`drop table if exists products`);
    this.addSql(`drop table if exists categories`);
  }
}
