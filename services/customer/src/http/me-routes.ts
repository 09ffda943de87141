import type { Router } from 'express';
import { authenticate, principalOf, requireRole, sendRepresentation } from '@commerce/shared';
import { changePassword, deleteAccount, getOwnAccount, updateProfile } from '../use-cases/profile.js';
import { addAddress, listAddresses, removeAddress, updateAddress } from '../use-cases/addresses.js';
import { presentAddress, presentCustomer } from './presenters.js';
import type { HttpDeps } from './context.js';

export function meRoutes(router: Router, { em, verify }: HttpDeps) {
  const me = '/api/v1/customers/me';
  router.use(me, authenticate(verify), requireRole('customer', 'admin'));

  router.get(me, async (req, res) => {
    sendRepresentation(req, res, presentCustomer(await getOwnAccount(em, principalOf(res).customerId)));
  });

  router.patch(me, async (req, res) => {
    res.json(presentCustomer(await updateProfile(em, principalOf(res).customerId, req.body)));
  });

  router.put(`${me}/password`, async (req, res) => {
    const { currentPassword, newPassword } = req.body as { currentPassword: string; newPassword: string };
    await changePassword(em, principalOf(res).customerId, currentPassword, newPassword);
    res.status(204).end();
  });

  router.delete(me, async (_req, res) => {
    await deleteAccount(em, principalOf(res).customerId);
    res.status(204).end();
  });

  router.get(`${me}/addresses`, async (req, res) => {
    const { limit, cursor } = req.query as { limit?: number; cursor?: string };
    const page = await listAddresses(em, principalOf(res).customerId, Number(limit ?? 20), cursor);
    res.json({ items: page.items.map(presentAddress), nextCursor: page.nextCursor });
  });

  router.post(`${me}/addresses`, async (req, res) => {
    const address = await addAddress(em, principalOf(res).customerId, req.body);
    res.status(201).location(`${me}/addresses/${address.id}`).json(presentAddress(address));
  });

  router.patch(`${me}/addresses/:addressId`, async (req, res) => {
    res.json(presentAddress(await updateAddress(em, principalOf(res).customerId, (req.params as { addressId: string }).addressId, req.body)));
  });

  router.delete(`${me}/addresses/:addressId`, async (req, res) => {
    await removeAddress(em, principalOf(res).customerId, (req.params as { addressId: string }).addressId);
    res.status(204).end();
  });
}
