import { IdempotencyMigration, MessagingTablesMigration } from '@commerce/shared';
import { Migration20261125220000Order } from '../migrations/Migration20261125220000Order.js';

/** In order. Names are stored in the migrations table: never rename one that has shipped. */
export const migrations = [
  { name: 'Migration20261125220000Order', class: Migration20261125220000Order },
  { name: 'Migration20261125220001MessagingTables', class: MessagingTablesMigration },
  { name: 'Migration20261125220002IdempotencyKeys', class: IdempotencyMigration },
];
