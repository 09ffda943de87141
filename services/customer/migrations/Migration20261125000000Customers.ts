import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000Customers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm`);
    this.addSql(`
      create table customers (
        id uuid primary key,
        email text not null,
        email_normalized text not null,
        name text not null,
        phone text null,
        role text not null default 'customer' check (role in ('customer', 'admin')),
        status text not null default 'active' check (status in ('active', 'suspended')),
        password_hash text not null,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        deleted_at timestamptz(3) null
      )`);
    // Uniqueness among live accounts only: a deleted account's email may register again.
    this.addSql(`create unique index customers_email_unique on customers (email_normalized) where deleted_at is null`);
    this.addSql(`create index customers_created_at_id on customers (created_at desc, id desc)`);
    // Admin search (`q`) is a substring match on name or email: trigram indexes make ILIKE '%...%' fast.
    this.addSql(`create index customers_name_trgm on customers using gin (name gin_trgm_ops)`);
    this.addSql(`create index customers_email_trgm on customers using gin (email_normalized gin_trgm_ops)`);

    this.addSql(`
      create table addresses (
        id uuid primary key,
        customer_id uuid not null references customers (id) on delete cascade,
        line1 text not null,
        line2 text null,
        city text not null,
        postal_code text not null,
        country char(2) not null check (country ~ '^[A-Z]{2}$'),
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null
      )`);
    this.addSql(`create index addresses_customer_created on addresses (customer_id, created_at, id)`);

    this.addSql(`
      create table refresh_tokens (
        id uuid primary key,
        customer_id uuid not null references customers (id) on delete cascade,
        family_id uuid not null,
        token_hash text not null unique,
        created_at timestamptz(3) not null,
        expires_at timestamptz(3) not null,
        rotated_at timestamptz(3) null,
        revoked_at timestamptz(3) null
      )`);
    this.addSql(`create index refresh_tokens_family on refresh_tokens (family_id)`);
    this.addSql(`create index refresh_tokens_customer on refresh_tokens (customer_id) where revoked_at is null`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists refresh_tokens`);
    this.addSql(`drop table if exists addresses`);
    this.addSql(`drop table if exists customers`);
  }
}
