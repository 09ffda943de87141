import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import type { Logger } from '../logging/logger.js';

export type MigrationClass = new (...args: ConstructorParameters<typeof Migration>) => Migration;

export interface OrmOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- schemas of different entity types
  entities: EntitySchema<any, any>[];
  /** In order; names are stable because they are stored in the migrations table. */
  migrations: { name: string; class: MigrationClass }[];
  logger: Logger;
  poolMax?: number;
}

/**
 * One MikroORM per process. Entities are mapped with EntitySchema so the domain classes stay
 * free of ORM decorators (tsx emits no decorator metadata anyway), and migrations are listed
 * explicitly so the same code runs from `src` under tsx and from `dist` in production.
 */
export function createOrm(options: OrmOptions): Promise<MikroORM> {
  const config: Options = {
    clientUrl: options.url,
    entities: options.entities,
    discovery: { requireEntitiesArray: true, disableDynamicFileAccess: true },
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      tableName: 'mikro_orm_migrations',
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    logger: (message) => options.logger.debug(message),
  };
  return MikroORM.init(config);
}

export type { MikroORM, EntityManager } from '@mikro-orm/postgresql';

/** Postgres error codes the services translate into domain errors. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return !!e && e.code === PG_UNIQUE_VIOLATION && (constraint === undefined || e.constraint === constraint);
}
