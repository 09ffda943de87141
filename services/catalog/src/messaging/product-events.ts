import { MessageSchemas, Outbox, type EntityManager } from '@commerce/shared';
import type { Product } from '../domain/product.js';

/** The schemas are static files: loaded once, on first use. */
let outbox: Outbox | undefined;
const theOutbox = () => (outbox ??= new Outbox(MessageSchemas.load()));

type ProductEventType = 'catalog.product.created' | 'catalog.product.updated' | 'catalog.product.archived';

/**
 * What the cart's read model needs of a product, written in the caller's transaction (the relay
 * publishes after commit). `available` is the stock at the time of the change.
 */
function productEvent(em: EntityManager, type: ProductEventType, product: Product, available: number) {
  theOutbox().add(em, {
    type,
    data: {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      priceCents: product.priceCents,
      currency: product.currency,
      categoryId: product.categoryId,
      status: product.status,
      available,
    },
  });
}

export const productCreated = (em: EntityManager, product: Product, available: number) => productEvent(em, 'catalog.product.created', product, available);
export const productUpdated = (em: EntityManager, product: Product, available: number) => productEvent(em, 'catalog.product.updated', product, available);
export const productArchived = (em: EntityManager, product: Product, available: number) => productEvent(em, 'catalog.product.archived', product, available);
