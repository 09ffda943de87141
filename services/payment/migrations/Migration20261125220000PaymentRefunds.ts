import { Migration } from '@mikro-orm/migrations';

/**
 * What refunds and the stuck-payment sweeper need:
 * - `deadline`: the authorize command's deadline, so a payment left pending by a process killed
 *   mid-call is found (pending and past it) and settled by asking the provider;
 * - `order_cancelled_at` / `order_cancel_reason`: the order was cancelled (or its refund asked for)
 *   while the payment was pending, so the charge, if it completes, is refunded at once;
 * - `refund_reason` / `refund_reference`: what a refunded payment is re-announced with, and the
 *   provider's id of the refund. Exactly the refunded payments have both.
 */
export class Migration20261125220000PaymentRefunds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table payments
        add column deadline timestamptz(3) null,
        add column order_cancelled_at timestamptz(3) null,
        add column order_cancel_reason text null check (order_cancel_reason is null or char_length(order_cancel_reason) between 1 and 200),
        add column refund_reason text null check (refund_reason is null or char_length(refund_reason) between 1 and 200),
        add column refund_reference text null,
        add constraint payments_refunded_has_refund check ((status = 'refunded') = (refund_reason is not null and refund_reference is not null)),
        add constraint payments_cancel_has_reason check ((order_cancelled_at is null) = (order_cancel_reason is null))`);
    // The sweeper's two questions, each answered from a small partial index.
    this.addSql(`create index payments_pending_deadline on payments (deadline) where status = 'pending'`);
    this.addSql(`create index payments_refund_owed on payments (updated_at) where status = 'completed' and order_cancelled_at is not null`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists payments_refund_owed');
    this.addSql('drop index if exists payments_pending_deadline');
    this.addSql(`
      alter table payments
        drop constraint if exists payments_cancel_has_reason,
        drop constraint if exists payments_refunded_has_refund,
        drop column if exists refund_reference,
        drop column if exists refund_reason,
        drop column if exists order_cancel_reason,
        drop column if exists order_cancelled_at,
        drop column if exists deadline`);
  }
}
