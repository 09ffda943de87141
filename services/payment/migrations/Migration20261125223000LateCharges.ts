import { Migration } from '@mikro-orm/migrations';

/**
 * A charge abandoned at the deadline (the call was in flight when the payment failed with
 * PAYMENT_TIMEOUT) may still go through at the provider. `charge_in_doubt` marks those payments
 * until the sweeper has asked the provider; a late charge it finds is refunded, and the payment
 * goes failed → refunded keeping its failure reason (why it failed stays true). So the failure
 * reason is now required of failed payments, allowed on refunded ones, and refused otherwise.
 */
export class Migration20261125223000LateCharges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table payments
        add column charge_in_doubt boolean not null default false,
        drop constraint payments_failed_has_reason,
        add constraint payments_failed_has_reason check (
          (status <> 'failed' or failure_reason is not null) and (status not in ('pending', 'completed') or failure_reason is null)),
        add constraint payments_doubt_only_failed check (not charge_in_doubt or status = 'failed')`);
    this.addSql(`create index payments_charge_in_doubt on payments (updated_at) where charge_in_doubt`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists payments_charge_in_doubt');
    this.addSql(`
      alter table payments
        drop constraint payments_doubt_only_failed,
        drop constraint payments_failed_has_reason,
        add constraint payments_failed_has_reason check ((status = 'failed') = (failure_reason is not null)),
        drop column charge_in_doubt`);
  }
}
