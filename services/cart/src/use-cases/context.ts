import type { EntityManager, Logger } from '@commerce/shared';
import type { CartMetrics } from '../metrics.js';

/** What the use cases need: an entity manager (request-scoped or a fork), the counters, a logger. */
export interface CartContext {
  em: EntityManager;
  metrics: CartMetrics;
  logger: Logger;
}
