import type { Router } from 'express';
import { authenticate, principalOf, requireIdempotencyKey, requireRole, sendRepresentation, sendStored, type TokenVerifier } from '@commerce/shared';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderContext } from '../use-cases/context.js';
import { cancelOrder, deliverOrder, shipOrder } from '../use-cases/lifecycle.js';
import { listHistory, listOrders, readOrder } from '../use-cases/orders.js';
import type { Viewer } from '../use-cases/order-store.js';
import { presentHistoryEntry, presentOrder } from './presenters.js';

const ORDERS = '/api/v1/orders';

/**
 * Endpoints 36-41. Requests are already checked against contracts/openapi/order.yaml. Another
 * customer's order answers 404, never 403; shipping and delivering are for admins.
 */
export function orderRoutes(ctx: OrderContext & { verify: TokenVerifier }) {
  const reader = [authenticate(ctx.verify), requireRole('customer', 'admin')];
  const admin = [authenticate(ctx.verify), requireRole('admin')];
  const viewerOf = (res: Parameters<typeof principalOf>[0]): Viewer => {
    const { customerId, role } = principalOf(res);
    return { customerId, admin: role === 'admin' };
  };
  const orderIdOf = (params: unknown) => (params as { orderId: string }).orderId;
  const pageOf = (query: Record<string, unknown>) => ({ limit: Number(query.limit ?? 20), ...(typeof query.cursor === 'string' ? { cursor: query.cursor } : {}) });
  return (router: Router) => {
    router.get(ORDERS, ...reader, async (req, res) => {
      const q = req.query as Record<string, unknown>;
      const page = await listOrders(ctx.em, viewerOf(res), {
        ...pageOf(q),
        ...(typeof q.status === 'string' ? { status: q.status as OrderStatus } : {}),
        ...(typeof q.customerId === 'string' ? { customerId: q.customerId } : {}),
        ...(typeof q.from === 'string' ? { from: new Date(q.from) } : {}),
        ...(typeof q.to === 'string' ? { to: new Date(q.to) } : {}),
      });
      res.json({ items: page.items.map(presentOrder), nextCursor: page.nextCursor });
    });

    router.get(`${ORDERS}/:orderId`, ...reader, async (req, res) => {
      sendRepresentation(req, res, presentOrder(await readOrder(ctx.em, orderIdOf(req.params), viewerOf(res))));
    });

    router.post(`${ORDERS}/:orderId/cancel`, ...reader, async (req, res) => {
      const key = requireIdempotencyKey(req);
      const body = (req.body ?? {}) as { reason?: string };
      const { response } = await cancelOrder(ctx, orderIdOf(req.params), viewerOf(res), key, body, presentOrder);
      sendStored(res, response);
    });

    router.post(`${ORDERS}/:orderId/ship`, ...admin, async (req, res) => {
      res.json(presentOrder(await shipOrder(ctx, orderIdOf(req.params), (req.body as { trackingNumber: string }).trackingNumber)));
    });

    router.post(`${ORDERS}/:orderId/deliver`, ...admin, async (req, res) => {
      res.json(presentOrder(await deliverOrder(ctx, orderIdOf(req.params))));
    });

    router.get(`${ORDERS}/:orderId/history`, ...reader, async (req, res) => {
      const page = await listHistory(ctx.em, orderIdOf(req.params), viewerOf(res), pageOf(req.query as Record<string, unknown>));
      res.json({ items: page.items.map(presentHistoryEntry), nextCursor: page.nextCursor });
    });
  };
}
