import { Migration } from '@mikro-orm/migrations';

/**
 * The order's tables. `orders` is the order with its checkout snapshot; `sagas` the persisted
 * checkout saga (one per order; the payment token lives here only until the authorize command is
 * written); `order_history` every status and payment-status change. Check constraints mirror the
 * status tables' states, so no code path can store a state the tables don't know. Times are
 * timestamptz(3), the precision of a JS Date.
 */
export class Migration20261125220000Order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table orders (
        id uuid primary key,
        customer_id uuid not null,
        cart_id uuid not null,
        status text not null check (status in ('pending', 'processing', 'shipped', 'delivered', 'cancelled')),
        payment_status text not null check (payment_status in ('pending', 'completed', 'failed', 'refunded')),
        items jsonb not null,
        total_cents integer not null check (total_cents >= 0),
        currency char(3) not null,
        shipping_address jsonb not null,
        failure_reason text null check (failure_reason in ('OUT_OF_STOCK', 'PAYMENT_DECLINED', 'PAYMENT_INSUFFICIENT_FUNDS', 'PAYMENT_TIMEOUT', 'CUSTOMER_CANCELLED', 'ADMIN_CANCELLED')),
        tracking_number text null check (tracking_number is null or char_length(tracking_number) between 1 and 100),
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint orders_cancelled_has_reason check ((status = 'cancelled') = (failure_reason is not null)),
        constraint orders_shipped_has_tracking check (status not in ('shipped', 'delivered') or tracking_number is not null)
      )`);
    // Endpoint 36: newest first, keyset on (created_at, id); per customer, per status, or all (admin).
    this.addSql(`create index orders_customer_created on orders (customer_id, created_at desc, id desc)`);
    this.addSql(`create index orders_created on orders (created_at desc, id desc)`);
    this.addSql(`create index orders_status_created on orders (status, created_at desc, id desc)`);

    this.addSql(`
      create table sagas (
        order_id uuid primary key references orders (id) on delete cascade,
        state text not null check (state in ('reserving_stock', 'authorizing_payment', 'committing_stock', 'completed', 'compensated', 'cancelled')),
        step_started_at timestamptz(3) not null,
        step_deadline timestamptz(3) null,
        attempts integer not null default 0 check (attempts >= 0),
        payment_token text null,
        updated_at timestamptz(3) not null,
        constraint sagas_working_has_deadline check ((state in ('reserving_stock', 'authorizing_payment', 'committing_stock')) = (step_deadline is not null)),
        constraint sagas_token_only_while_reserving check (payment_token is null or state = 'reserving_stock')
      )`);
    // The sweeper and the sagas_stuck gauge look only at working sagas, by deadline.
    this.addSql(`create index sagas_working_deadline on sagas (step_deadline) where step_deadline is not null`);

    this.addSql(`
      create table order_history (
        seq bigserial primary key,
        id uuid not null unique,
        order_id uuid not null references orders (id) on delete cascade,
        kind text not null check (kind in ('status', 'paymentStatus')),
        from_value text null,
        to_value text not null,
        at timestamptz(3) not null,
        actor text not null check (actor in ('customer', 'admin', 'system')),
        reason text null check (reason is null or char_length(reason) between 1 and 200)
      )`);
    this.addSql(`create index order_history_order on order_history (order_id, seq)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists order_history');
    this.addSql('drop table if exists sagas');
    this.addSql('drop table if exists orders');
  }
}
