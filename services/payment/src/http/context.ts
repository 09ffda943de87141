import type { TokenVerifier } from '@commerce/shared';
import type { PaymentContext } from '../use-cases/context.js';

/** What the routes need from the composition root. */
export interface HttpDeps {
  ctx: PaymentContext;
  verify: TokenVerifier;
}
