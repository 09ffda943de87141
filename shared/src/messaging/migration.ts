import { Migration } from '@mikro-orm/migrations';

/**
 * The outbox and inbox tables. Each service lists this class in its own migrations (its own
 * database); the name it gives it there is what the migrations table remembers.
 *
 * The outbox is ordered by (created_at, seq): created_at for humans and the lag gauge, seq to
 * keep the order of several rows written in one transaction (they share now()). A statement-level
 * trigger NOTIFYs the relay; Postgres delivers it only on commit, and once per transaction.
 */
export class MessagingTablesMigration extends Migration {
  override up(): void {
    this.addSql(`create table outbox (
      id uuid primary key,
      seq bigint generated always as identity,
      type text not null,
      routing_key text not null,
      payload jsonb not null,
      created_at timestamptz(3) not null default now(),
      published_at timestamptz(3) null,
      attempts int not null default 0,
      last_error text null
    )`);
    this.addSql('create index outbox_unpublished_idx on outbox (created_at, seq) where published_at is null');
    this.addSql('create index outbox_published_at_idx on outbox (published_at) where published_at is not null');
    this.addSql(`create function outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('outbox', '');
        return null;
      end
    $$`);
    this.addSql('create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify()');
    this.addSql(`create table inbox (
      message_id uuid not null,
      consumer text not null,
      type text not null,
      handled_at timestamptz(3) not null default now(),
      primary key (message_id, consumer)
    )`);
    this.addSql('create index inbox_handled_at_idx on inbox (handled_at)');
  }

  override down(): void {
    this.addSql('drop table inbox');
    this.addSql('drop trigger outbox_notify on outbox');
    this.addSql('drop function outbox_notify()');
    this.addSql('drop table outbox');
  }
}
