import { IdempotencyMigration, MessagingTablesMigration } from '@commerce/shared';
import { Migration20261125210000Payment } from '../migrations/Migration20261125210000Payment.js';
import { Migration20261125220000PaymentRefunds } from '../migrations/Migration20261125220000PaymentRefunds.js';
import { Migration20261125223000LateCharges } from '../migrations/Migration20261125223000LateCharges.js';
import { Migration20261125230000OrderCancellations } from '../migrations/Migration20261125230000OrderCancellations.js';

/** In order. Names are stored in the migrations table: never rename one that has shipped. */
export const migrations = [
  { name: 'Migration20261125210000Payment', class: Migration20261125210000Payment },
  { name: 'Migration20261125210001MessagingTables', class: MessagingTablesMigration },
  { name: 'Migration20261125210002IdempotencyKeys', class: IdempotencyMigration },
  { name: 'Migration20261125220000PaymentRefunds', class: Migration20261125220000PaymentRefunds },
  { name: 'Migration20261125223000LateCharges', class: Migration20261125223000LateCharges },
  { name: 'Migration20261125230000OrderCancellations', class: Migration20261125230000OrderCancellations },
];
