import type { Router } from 'express';
import { authenticate, principalOf, requireIdempotencyKey, requireRole, sendRepresentation, sendStored } from '@commerce/shared';
import { listPayments, readHistory, readPayment } from '../use-cases/reads.js';
import { refundByAdmin } from '../use-cases/refund.js';
import type { HttpDeps } from './context.js';
import { presentChange, presentPayment } from './presenters.js';

const PAYMENTS = '/api/v1/payments';

/**
 * Endpoints 42-45. Requests are already checked against contracts/openapi/payment.yaml (unknown
 * query parameters or body properties are a 400 before anything runs). Customers read their own
 * payments (another's answers 404, never 403); admins read all and alone refund.
 */
export function paymentRoutes({ ctx, verify }: HttpDeps) {
  const reader = [authenticate(verify), requireRole('customer', 'admin')];
  const readerOf = (res: Parameters<typeof principalOf>[0]) => {
    const { customerId, role } = principalOf(res);
    return { customerId, admin: role === 'admin' };
  };
  const paymentIdOf = (params: unknown) => (params as { paymentId: string }).paymentId;
  return (router: Router) => {
    router.get(PAYMENTS, ...reader, async (req, res) => {
      const { orderId, limit, cursor } = req.query as { orderId?: string; limit?: string | number; cursor?: string };
      const page = await listPayments(ctx.em, readerOf(res), {
        limit: Number(limit ?? 20),
        ...(orderId ? { orderId } : {}),
        ...(cursor ? { cursor } : {}),
      });
      res.json({ items: page.items.map(presentPayment), nextCursor: page.nextCursor });
    });

    router.get(`${PAYMENTS}/:paymentId`, ...reader, async (req, res) => {
      sendRepresentation(req, res, presentPayment(await readPayment(ctx.em, paymentIdOf(req.params), readerOf(res))));
    });

    router.get(`${PAYMENTS}/:paymentId/history`, ...reader, async (req, res) => {
      const changes = await readHistory(ctx.em, paymentIdOf(req.params), readerOf(res));
      res.json({ items: changes.map(presentChange) });
    });

    router.post(`${PAYMENTS}/:paymentId/refunds`, authenticate(verify), requireRole('admin'), async (req, res) => {
      const key = requireIdempotencyKey(req);
      const { reason } = req.body as { reason: string };
      sendStored(res, await refundByAdmin(ctx, { paymentId: paymentIdOf(req.params), adminId: principalOf(res).customerId, key, reason }));
    });
  };
}
