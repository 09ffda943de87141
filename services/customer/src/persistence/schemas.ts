import { EntitySchema } from '@mikro-orm/postgresql';
import { Customer } from '../domain/customer.js';
import { Address } from '../domain/address.js';
import { RefreshToken } from '../domain/refresh-token.js';

/** Mapping of the domain classes to tables; the tables themselves are defined by migrations. */
export const CustomerSchema = new EntitySchema<Customer>({
  class: Customer,
  tableName: 'customers',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string' },
    emailNormalized: { type: 'string' },
    name: { type: 'string' },
    phone: { type: 'string', nullable: true },
    role: { type: 'string' },
    status: { type: 'string' },
    passwordHash: { type: 'string' },
    createdAt: { type: 'Date', length: 3 },
    updatedAt: { type: 'Date', length: 3 },
    deletedAt: { type: 'Date', length: 3, nullable: true },
  },
});

export const AddressSchema = new EntitySchema<Address>({
  class: Address,
  tableName: 'addresses',
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid' },
    line1: { type: 'string' },
    line2: { type: 'string', nullable: true },
    city: { type: 'string' },
    postalCode: { type: 'string' },
    country: { type: 'string' },
    createdAt: { type: 'Date', length: 3 },
    updatedAt: { type: 'Date', length: 3 },
  },
});

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'refresh_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid' },
    familyId: { type: 'uuid' },
    tokenHash: { type: 'string' },
    createdAt: { type: 'Date', length: 3 },
    expiresAt: { type: 'Date', length: 3 },
    rotatedAt: { type: 'Date', length: 3, nullable: true },
    revokedAt: { type: 'Date', length: 3, nullable: true },
  },
});

export const entities = [CustomerSchema, AddressSchema, RefreshTokenSchema];
