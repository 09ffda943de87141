import { Migration } from '@mikro-orm/migrations';

/**
 * An order cancelled before its payment row exists (the authorize command still queued, its
 * deadline ahead): the cancellation is kept here until the payment is created, which takes it
 * over (order_cancelled_at) and deletes the row, so a charge that then completes is refunded at
 * once instead of relying on the order service to ask.
 */
export class Migration20261125230000OrderCancellations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table order_cancellations (
        order_id uuid primary key,
        reason text not null check (char_length(reason) between 1 and 200),
        at timestamptz(3) not null
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists order_cancellations');
  }
}
