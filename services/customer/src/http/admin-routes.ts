import type { Router } from 'express';
import { assertIfMatch, authenticate, principalOf, requireRole, sendRepresentation } from '@commerce/shared';
import type { CustomerStatus } from '../domain/customer.js';
import { findLiveCustomer } from '../use-cases/find-customer.js';
import { changeCustomerStatusOrRole, searchCustomers } from '../use-cases/admin.js';
import { presentCustomer } from './presenters.js';
import type { HttpDeps } from './context.js';

export function adminRoutes(router: Router, { em, verify }: HttpDeps) {
  const customers = '/api/v1/customers';
  const adminOnly = [authenticate(verify), requireRole('admin')];

  router.get(customers, ...adminOnly, async (req, res) => {
    const { email, q, status, limit, cursor } = req.query as { email?: string; q?: string; status?: CustomerStatus; limit?: number; cursor?: string };
    const page = await searchCustomers(em, {
      limit: Number(limit ?? 20),
      ...(email ? { email } : {}),
      ...(q ? { q } : {}),
      ...(status ? { status } : {}),
      ...(cursor ? { cursor } : {}),
    });
    res.json({ items: page.items.map(presentCustomer), nextCursor: page.nextCursor });
  });

  router.get(`${customers}/:customerId`, ...adminOnly, async (req, res) => {
    sendRepresentation(req, res, presentCustomer(await findLiveCustomer(em, (req.params as { customerId: string }).customerId)));
  });

  router.patch(`${customers}/:customerId`, ...adminOnly, async (req, res) => {
    const customer = await changeCustomerStatusOrRole(em, principalOf(res).customerId, (req.params as { customerId: string }).customerId, req.body, (current) =>
      assertIfMatch(req, presentCustomer(current)),
    );
    sendRepresentation(req, res, presentCustomer(customer));
  });
}
