import type { EntityManager, Logger } from '@commerce/shared';
import type { PaymentMetrics } from '../metrics.js';
import type { PaymentProvider } from '../provider/provider.js';

/** What the use cases need from the composition root. */
export interface PaymentContext {
  /** The root (or request-scoped) entity manager: every transaction here runs on a fork of its own. */
  em: EntityManager;
  provider: PaymentProvider;
  logger: Logger;
  metrics: PaymentMetrics;
  /** Waits between attempts after a transient provider failure; the last one repeats. */
  retryDelaysMs?: readonly number[];
  /** PAYMENT_PROVIDER_TIMEOUT_MS: how long a refund or a lookup may take, retries included. */
  providerTimeoutMs: number;
}
