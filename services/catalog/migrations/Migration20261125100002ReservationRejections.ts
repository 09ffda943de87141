import { Migration } from '@mikro-orm/migrations';

/**
 * Remembers the orders whose reservation was rejected, with the short items of the answer, so a
 * second catalog.reserve-stock for the same order (a retried saga step, new messageId) answers the
 * same rejection instead of reserving for an order that was already cancelled. Orders that were
 * reserved need no such row: their reservations are the memory.
 */
export class Migration20261125100002ReservationRejections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table reservation_rejections (
        order_id uuid primary key,
        short_items jsonb not null,
        created_at timestamptz(3) not null
      )`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists reservation_rejections`);
  }
}
