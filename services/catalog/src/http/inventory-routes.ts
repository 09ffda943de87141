import type { Router } from 'express';
import { authenticate, principalOf, requireRole } from '@commerce/shared';
import { adjustInventory, getInventory, listStockMovements } from '../use-cases/inventory.js';
import type { StockMovementRow } from '../use-cases/stock-store.js';
import type { HttpDeps } from './context.js';

export const presentStockMovement = (m: StockMovementRow) => ({
  id: m.id,
  productId: m.productId,
  kind: m.kind,
  deltaOnHand: m.deltaOnHand,
  deltaReserved: m.deltaReserved,
  onHandAfter: m.onHandAfter,
  reservedAfter: m.reservedAfter,
  reason: m.reason,
  orderId: m.orderId,
  actor: m.actor,
  createdAt: m.createdAt.toISOString(),
});

/** Endpoints 25-27: a product's stock, admin adjustments, and the audit trail of every stock change. */
export function inventoryRoutes(router: Router, { em, verify, cache }: HttpDeps) {
  const inventory = '/api/v1/products/:productId/inventory';
  const adminOnly = [authenticate(verify), requireRole('admin')];
  const productIdOf = (params: unknown) => (params as { productId: string }).productId;

  router.get(inventory, ...adminOnly, async (req, res) => {
    res.json(await getInventory(em, productIdOf(req.params)));
  });

  router.post(`${inventory}/adjustments`, ...adminOnly, async (req, res) => {
    const productId = productIdOf(req.params);
    const { delta, reason } = req.body as { delta: number; reason: string };
    const movement = await adjustInventory(em, productId, { delta, reason, actor: principalOf(res).customerId });
    // After the commit: the product's cached `available` is stale now.
    await cache.productsChanged([productId]);
    res.status(201).json(presentStockMovement(movement));
  });

  router.get(`${inventory}/adjustments`, ...adminOnly, async (req, res) => {
    const { limit, cursor } = req.query as { limit?: number; cursor?: string };
    const page = await listStockMovements(em, productIdOf(req.params), { limit: Number(limit ?? 20), ...(cursor ? { cursor } : {}) });
    res.json({ items: page.items.map(presentStockMovement), nextCursor: page.nextCursor });
  });
}
