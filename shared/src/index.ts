export * from './errors.js';
export * from './config.js';
export * from './logging/context.js';
export * from './logging/logger.js';
export * from './db/orm.js';
export * from './redis.js';
export * from './lifecycle.js';
