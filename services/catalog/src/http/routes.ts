import type { Router } from 'express';
import { categoryRoutes } from './category-routes.js';
import { productRoutes } from './product-routes.js';
import { inventoryRoutes } from './inventory-routes.js';
import type { HttpDeps } from './context.js';

type RouteModule = (router: Router, deps: HttpDeps) => void;

/**
 * Every route module of the service, in mounting order. The inventory part (endpoints 25-27,
 * src/http/inventory-routes.ts) plugs in by adding its module to this list. Product routes mount
 * `/products/bulk` before `/products/:productId`, so "bulk" is never taken for an id.
 */
export const routeModules: RouteModule[] = [categoryRoutes, productRoutes, inventoryRoutes];

export function catalogRoutes(deps: HttpDeps) {
  return (router: Router) => {
    for (const mount of routeModules) mount(router, deps);
  };
}
