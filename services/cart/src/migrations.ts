import { IdempotencyMigration, MessagingTablesMigration } from '@commerce/shared';
import { Migration20261125200000Cart } from '../migrations/Migration20261125200000Cart.js';

/** In order. Names are stored in the migrations table: never rename one that has shipped. */
export const migrations = [
  { name: 'Migration20261125200000Cart', class: Migration20261125200000Cart },
  { name: 'Migration20261125200001MessagingTables', class: MessagingTablesMigration },
  { name: 'Migration20261125200002IdempotencyKeys', class: IdempotencyMigration },
];
