import type { Router } from 'express';
import { authenticate, principalOf, requireIdempotencyKey, requireRole, sendRepresentation, sendStored } from '@commerce/shared';
import { abandonCart, currentCart, openCart, readCart } from '../use-cases/carts.js';
import { addItem, changeItemQuantity, removeItem } from '../use-cases/cart-items.js';
import { checkout, type CheckoutInput } from '../use-cases/checkout.js';
import { presentCart } from './presenters.js';
import type { HttpDeps } from './context.js';

const CARTS = '/api/v1/carts';

/**
 * Endpoints 28-35. Bodies are already checked against contracts/openapi/cart.yaml (unknown
 * properties such as a client's `priceCents` are a 400 before anything runs). Another customer's
 * cart answers 404, never 403. Writes are the owner's; an admin may read any cart.
 */
export function cartRoutes({ em, verify, logger, metrics }: HttpDeps) {
  const ctx = { em, logger, metrics };
  const customer = [authenticate(verify), requireRole('customer')];
  const ids = (params: unknown) => params as { cartId: string; itemId: string };
  return (router: Router) => {
    router.post(CARTS, ...customer, async (_req, res) => {
      const { cart, created } = await openCart(ctx, principalOf(res).customerId);
      if (created) res.location(`${CARTS}/${cart.id}`);
      res.status(created ? 201 : 200).json(presentCart(cart));
    });

    // Before /carts/:cartId, so "current" is never taken for an id.
    router.get(`${CARTS}/current`, ...customer, async (req, res) => {
      sendRepresentation(req, res, presentCart(await currentCart(ctx, principalOf(res).customerId)));
    });

    router.get(`${CARTS}/:cartId`, authenticate(verify), requireRole('customer', 'admin'), async (req, res) => {
      const { customerId, role } = principalOf(res);
      sendRepresentation(req, res, presentCart(await readCart(ctx, ids(req.params).cartId, { customerId, admin: role === 'admin' })));
    });

    router.delete(`${CARTS}/:cartId`, ...customer, async (req, res) => {
      await abandonCart(ctx, ids(req.params).cartId, principalOf(res).customerId);
      res.status(204).end();
    });

    router.post(`${CARTS}/:cartId/items`, ...customer, async (req, res) => {
      const { cartId } = ids(req.params);
      const { cart, item } = await addItem(ctx, cartId, principalOf(res).customerId, req.body as { productId: string; quantity: number });
      res.location(`${CARTS}/${cartId}/items/${item.id}`);
      res.status(201).json(presentCart(cart));
    });

    router.patch(`${CARTS}/:cartId/items/:itemId`, ...customer, async (req, res) => {
      const { cartId, itemId } = ids(req.params);
      const cart = await changeItemQuantity(ctx, cartId, itemId, principalOf(res).customerId, (req.body as { quantity: number }).quantity);
      res.json(presentCart(cart));
    });

    router.delete(`${CARTS}/:cartId/items/:itemId`, ...customer, async (req, res) => {
      const { cartId, itemId } = ids(req.params);
      await removeItem(ctx, cartId, itemId, principalOf(res).customerId);
      res.status(204).end();
    });

    router.post(`${CARTS}/:cartId/checkout`, ...customer, async (req, res) => {
      const key = requireIdempotencyKey(req);
      const { response } = await checkout(ctx, ids(req.params).cartId, principalOf(res).customerId, key, req.body as CheckoutInput);
      sendStored(res, response);
    });
  };
}
