import { MessagingTablesMigration } from '@commerce/shared';
import { Migration20261125000000Customers } from '../migrations/Migration20261125000000Customers.js';

/** In order. Names are stored in the migrations table: never rename one that has shipped. */
export const migrations = [
  { name: 'Migration20261125000000Customers', class: Migration20261125000000Customers },
  { name: 'Migration20261125000001MessagingTables', class: MessagingTablesMigration },
];
