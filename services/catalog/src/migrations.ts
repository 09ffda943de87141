import { MessagingTablesMigration } from '@commerce/shared';
import { Migration20261125100000Catalog } from '../migrations/Migration20261125100000Catalog.js';
import { Migration20261125100002ReservationRejections } from '../migrations/Migration20261125100002ReservationRejections.js';

/** In order. Names are stored in the migrations table: never rename one that has shipped. */
export const migrations = [
  { name: 'Migration20261125100000Catalog', class: Migration20261125100000Catalog },
  { name: 'Migration20261125100001MessagingTables', class: MessagingTablesMigration },
  { name: 'Migration20261125100002ReservationRejections', class: Migration20261125100002ReservationRejections },
];
