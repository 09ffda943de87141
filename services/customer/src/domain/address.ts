import { randomUUID } from 'node:crypto';
import { UnprocessableError } from '@commerce/shared';

export const MAX_ADDRESSES_PER_CUSTOMER = 20;

export interface AddressFields {
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export class Address {
  readonly id: string = randomUUID();
  readonly customerId: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  readonly createdAt: Date = new Date();
  updatedAt: Date = new Date();

  constructor(customerId: string, fields: AddressFields) {
    this.customerId = customerId;
    this.line1 = fields.line1.trim();
    this.line2 = fields.line2?.trim() || null;
    this.city = fields.city.trim();
    this.postalCode = fields.postalCode.trim();
    this.country = fields.country.toUpperCase();
  }

  update(changes: Partial<AddressFields>, now = new Date()): void {
    if (changes.line1 !== undefined) this.line1 = changes.line1.trim();
    if (changes.line2 !== undefined) this.line2 = changes.line2?.trim() || null;
    if (changes.city !== undefined) this.city = changes.city.trim();
    if (changes.postalCode !== undefined) this.postalCode = changes.postalCode.trim();
    if (changes.country !== undefined) this.country = changes.country.toUpperCase();
    this.updatedAt = now;
  }
}

export function assertMayAddAddress(existingCount: number): void {
  if (existingCount >= MAX_ADDRESSES_PER_CUSTOMER) {
    throw new UnprocessableError('ADDRESS_LIMIT_REACHED', `A customer can keep at most ${MAX_ADDRESSES_PER_CUSTOMER} addresses.`);
  }
}
