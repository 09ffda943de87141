import type { Customer } from '../domain/customer.js';
import type { Address } from '../domain/address.js';

/** The public shapes of the contract (contracts/openapi/customer.yaml): nothing else leaves. */
export function presentCustomer(c: Customer) {
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    phone: c.phone,
    role: c.role,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentAddress(a: Address) {
  return {
    id: a.id,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    postalCode: a.postalCode,
    country: a.country,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
