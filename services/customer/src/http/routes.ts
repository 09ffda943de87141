import type { Router } from 'express';
import { authRoutes } from './auth-routes.js';
import { meRoutes } from './me-routes.js';
import { adminRoutes } from './admin-routes.js';
import type { HttpDeps } from './context.js';

/** `/customers/me` is mounted before `/customers/:customerId`, so "me" is never taken for an id. */
export function customerRoutes(deps: HttpDeps) {
  return (router: Router) => {
    authRoutes(router, deps);
    meRoutes(router, deps);
    adminRoutes(router, deps);
  };
}
