import { randomUUID } from 'node:crypto';
import { ConflictError } from '@commerce/shared';

export type ProductStatus = 'active' | 'archived';

/** The store sells in one currency; the column exists so a second one is a data change, not a migration. */
export const STORE_CURRENCY = 'USD';

export interface ProductChanges {
  name?: string;
  description?: string;
  priceCents?: number;
  categoryId?: string | null;
}

export interface NewProduct {
  sku: string;
  name: string;
  description?: string;
  priceCents: number;
  categoryId?: string | null;
}

export class Product {
  readonly id: string = randomUUID();
  readonly sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string = STORE_CURRENCY;
  categoryId: string | null;
  status: ProductStatus = 'active';
  readonly createdAt: Date;
  updatedAt: Date;

  constructor(props: NewProduct, now = new Date()) {
    this.sku = props.sku;
    this.name = props.name.trim();
    this.description = props.description ?? '';
    this.priceCents = props.priceCents;
    this.categoryId = props.categoryId ?? null;
    this.createdAt = now;
    this.updatedAt = now;
  }

  isArchived(): boolean {
    return this.status === 'archived';
  }

  /** An archived product is frozen: carts and orders keep their snapshot, and nothing edits it again. */
  change(changes: ProductChanges, now = new Date()): void {
    if (this.isArchived()) throw productArchived();
    if (changes.name !== undefined) this.name = changes.name.trim();
    if (changes.description !== undefined) this.description = changes.description;
    if (changes.priceCents !== undefined) this.priceCents = changes.priceCents;
    if (changes.categoryId !== undefined) this.categoryId = changes.categoryId;
    this.updatedAt = now;
  }

  /** Archiving is soft and idempotent: true only when this call archived it. */
  archive(now = new Date()): boolean {
    if (this.isArchived()) return false;
    this.status = 'archived';
    this.updatedAt = now;
    return true;
  }
}

export function productArchived() {
  return new ConflictError('PRODUCT_ARCHIVED', 'The product is archived and can no longer be changed.');
}
