import { Migration } from '@mikro-orm/migrations';

/**
 * The payment's tables. One payment per order (order_id unique: the database is the guard that two
 * authorize commands for one order, delivered concurrently, create one payment and so one charge).
 * No column holds anything of the payment token. Times are timestamptz(3), the precision of a JS Date.
 */
export class Migration20261125210000Payment extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table payments (
        id uuid primary key,
        order_id uuid not null,
        customer_id uuid not null,
        amount_cents integer not null check (amount_cents >= 0),
        currency char(3) not null,
        status text not null check (status in ('pending', 'completed', 'failed', 'refunded')),
        provider_reference text null,
        failure_reason text null check (failure_reason in ('PAYMENT_DECLINED', 'PAYMENT_INSUFFICIENT_FUNDS', 'PAYMENT_TIMEOUT')),
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint payments_order_id_unique unique (order_id),
        constraint payments_completed_has_reference check (status not in ('completed', 'refunded') or provider_reference is not null),
        constraint payments_failed_has_reason check ((status = 'failed') = (failure_reason is not null))
      )`);
    // Endpoint 42: a customer's payments, newest first (keyset on created_at, id); an admin's list
    // uses the same order over all payments.
    this.addSql(`create index payments_customer_created on payments (customer_id, created_at desc, id desc)`);
    this.addSql(`create index payments_created on payments (created_at desc, id desc)`);

    // Endpoint 45: every status change, in the order it happened.
    this.addSql(`
      create table payment_history (
        id bigserial primary key,
        payment_id uuid not null references payments (id) on delete cascade,
        from_status text null,
        to_status text not null,
        at timestamptz(3) not null,
        reason text null check (reason is null or char_length(reason) between 1 and 200)
      )`);
    this.addSql(`create index payment_history_payment on payment_history (payment_id, id)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists payment_history');
    this.addSql('drop table if exists payments');
  }
}
