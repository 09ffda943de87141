import type { EntityManager, Logger } from '@commerce/shared';
import type { SagaSettings } from '../config.js';
import type { OrderMetrics } from '../metrics.js';

/** What the use cases need: an entity manager (request-scoped or a fork), the saga's settings, the metrics, a logger. */
export interface OrderContext {
  em: EntityManager;
  saga: SagaSettings;
  metrics: OrderMetrics;
  logger: Logger;
}
