import { EntitySchema } from '@mikro-orm/postgresql';
import { Cart, CartItem } from '../domain/cart.js';
import { ProductSnapshot } from '../domain/product-snapshot.js';
import { CustomerAddress } from '../domain/customer-address.js';

/**
 * Mapping of the domain classes to tables; the tables themselves are defined by migrations.
 * A cart's lines are a table of their own (one line per product, enforced by a unique
 * constraint); `Cart.items` is not mapped: the cart store loads and saves the lines beside it.
 */
export const CartSchema = new EntitySchema<Cart>({
  class: Cart,
  tableName: 'carts',
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: { type: 'uuid' },
    status: { type: 'string' },
    orderId: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date', length: 3 },
    updatedAt: { type: 'Date', length: 3 },
    // Not columns: the lines are loaded by the cart store, the totals are computed.
    items: { type: 'json', persist: false },
    itemCount: { type: 'integer', persist: false, getter: true },
    totalCents: { type: 'integer', persist: false, getter: true },
  },
});

export const CartItemSchema = new EntitySchema<CartItem>({
  class: CartItem,
  tableName: 'cart_items',
  properties: {
    id: { type: 'uuid', primary: true },
    cartId: { type: 'uuid' },
    productId: { type: 'uuid' },
    name: { type: 'string' },
    unitPriceCents: { type: 'integer' },
    quantity: { type: 'integer' },
    addedAt: { type: 'Date', length: 3 },
    lineTotalCents: { type: 'integer', persist: false, getter: true },
  },
});

export const ProductSnapshotSchema = new EntitySchema<ProductSnapshot>({
  class: ProductSnapshot,
  tableName: 'product_snapshots',
  properties: {
    productId: { type: 'uuid', primary: true },
    name: { type: 'string' },
    priceCents: { type: 'integer' },
    currency: { type: 'string' },
    status: { type: 'string' },
    available: { type: 'integer' },
    lastEventAt: { type: 'Date', length: 3, nullable: true },
    availableAt: { type: 'Date', length: 3, nullable: true },
  },
});

export const CustomerAddressSchema = new EntitySchema<CustomerAddress>({
  class: CustomerAddress,
  tableName: 'customer_addresses',
  properties: {
    addressId: { type: 'uuid', primary: true },
    customerId: { type: 'uuid' },
    line1: { type: 'string' },
    line2: { type: 'string', nullable: true },
    city: { type: 'string' },
    postalCode: { type: 'string' },
    country: { type: 'string' },
    removed: { type: 'boolean' },
    lastEventAt: { type: 'Date', length: 3 },
  },
});

export const entities = [CartSchema, CartItemSchema, ProductSnapshotSchema, CustomerAddressSchema];
