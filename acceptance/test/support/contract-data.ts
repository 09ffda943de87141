import { randomUUID } from 'node:crypto';
import type { Acceptance } from './stack.js';
import type { Shopper } from '../../src/client.js';

/**
 * The data the Postman collection of `make docs` needs, made through the gateway as a client would,
 * as the environment values its requests read (scripts/portman/portman-config.json names them).
 * An operation that changes or removes what it acts on gets an object of its own (a customer who
 * deletes their account, an order to cancel, one to ship, one to deliver, a payment to refund), so
 * the requests don't depend on each other's order and every one can answer its success status.
 */
export async function contractEnvironment(a: Acceptance, baseUrl: string): Promise<Record<string, string>> {
  const { api } = a.shop;
  const admin = a.adminToken;
  const ok = <T>(res: { status: number; body: T }, wanted: number, what: string): T => {
    if (res.status !== wanted) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  // A customer whose password we know (logIn) and who holds two refresh tokens (refresh, logout).
  const registered = async (label: string) => {
    const email = `contract-${label}-${randomUUID()}@acceptance.example`;
    const password = `pw-${randomUUID()}`;
    const { id } = ok(await api.post<{ id: string }>('/api/v1/auth/register', { email, password, name: `Contract ${label}` }), 201, 'register');
    const login = async () => ok(await api.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/login', { email, password }), 200, 'login');
    const first = await login();
    const second = await login();
    return { id, email, password, token: first.accessToken, refreshToken: first.refreshToken, logoutRefreshToken: second.refreshToken };
  };
  const address = async (token: string) =>
    ok(await api.post<{ id: string }>('/api/v1/customers/me/addresses', { line1: '1 Contract Street', city: 'Testville', postalCode: '12345', country: 'US' }, { token }), 201, 'address').id;

  const category = ok(await api.post<{ id: string }>('/api/v1/categories', { name: `Contract ${randomUUID()}`, slug: `contract-${randomUUID()}` }, { token: admin }), 201, 'category');
  const [product, second, addable, archivable] = await Promise.all([
    a.shop.newProduct(admin, { stock: 100 }),
    a.shop.newProduct(admin, { stock: 100 }),
    a.shop.newProduct(admin, { stock: 100 }),
    a.shop.newProduct(admin, { stock: 1 }),
  ]);

  const main = await registered('main');
  const shopper: Shopper = { email: main.email, customerId: main.id, token: main.token, addressId: await address(main.token) };
  const removableAddressId = await address(main.token);

  // Settled, paid orders of the main customer: one to read, one to cancel, one to ship, one shipped
  // (to deliver), one whose payment is refunded.
  const paidOrder = async () => {
    const orderId = await a.shop.buy(shopper, [{ productId: product.id, quantity: 1 }]);
    const order = await a.shop.waitForOrder(shopper.token, orderId);
    if (order.status !== 'processing') throw new Error(`order ${orderId} ended ${order.status} (${order.failureReason})`);
    return orderId;
  };
  const orderId = await paidOrder();
  const cancellableOrderId = await paidOrder();
  const shippableOrderId = await paidOrder();
  const deliverableOrderId = await paidOrder();
  const refundableOrderId = await paidOrder();
  ok(await api.post(`/api/v1/orders/${deliverableOrderId}/ship`, { trackingNumber: 'CONTRACT-1' }, { token: admin }), 200, 'ship');
  const [payment] = await a.shop.payments(shopper.token, orderId);
  const [refundable] = await a.shop.payments(shopper.token, refundableOrderId);

  // The main customer's pending cart, with a line to change and one to remove.
  const cartId = await a.shop.fillCart(shopper, [{ productId: product.id, quantity: 1 }, { productId: second.id, quantity: 1 }]);
  const cart = ok(await api.get<{ items: { id: string; productId: string }[] }>(`/api/v1/carts/${cartId}`, { token: shopper.token }), 200, 'cart');
  const itemOf = (productId: string) => cart.items.find((item) => item.productId === productId)?.id ?? '';

  // Other customers: one abandons a cart (holding the product the main customer adds, so the cart
  // service knows it), one checks out, one deletes their account, one changes their password, one
  // an admin suspends.
  const abandoner = await a.shop.newShopper('contract-abandon');
  const abandonableCartId = await a.shop.fillCart(abandoner, [{ productId: addable.id, quantity: 1 }]);
  const buyer = await a.shop.newShopper('contract-checkout');
  const checkoutCartId = await a.shop.fillCart(buyer, [{ productId: product.id, quantity: 1 }]);
  const doomed = await a.shop.newShopper('contract-delete');
  const passwordChanger = await registered('password');
  const managed = await a.shop.newShopper('contract-managed');

  return {
    baseUrl,
    adminToken: admin,
    bearerToken: main.token,
    customerEmail: main.email,
    customerPassword: main.password,
    refreshToken: main.refreshToken,
    logoutRefreshToken: main.logoutRefreshToken,
    addressId: shopper.addressId,
    removableAddressId,
    doomedCustomerToken: doomed.token,
    passwordCustomerToken: passwordChanger.token,
    passwordCustomerPassword: passwordChanger.password,
    managedCustomerId: managed.customerId,
    categoryId: category.id,
    productId: product.id,
    archivableProductId: archivable.id,
    addableProductId: addable.id,
    cartId,
    itemId: itemOf(product.id),
    removableItemId: itemOf(second.id),
    abandonableCartId,
    abandonCustomerToken: abandoner.token,
    checkoutCartId,
    checkoutCustomerToken: buyer.token,
    checkoutAddressId: buyer.addressId,
    orderId,
    cancellableOrderId,
    shippableOrderId,
    deliverableOrderId,
    paymentId: payment?.id ?? '',
    refundablePaymentId: refundable?.id ?? '',
  };
}
