import { describeTransitions } from '@commerce/shared/testing';
import { orderStatus } from '../../src/domain/order-status.js';
import { paymentStatus } from '../../src/domain/payment-status.js';
import { sagaState } from '../../src/domain/saga.js';

describe('order status table: every ordered pair of statuses', () => {
  describeTransitions(orderStatus, [
    ['pending', 'processing'],
    ['pending', 'cancelled'],
    ['processing', 'shipped'],
    ['processing', 'cancelled'],
    ['shipped', 'delivered'],
  ]);
});

describe("order's payment status table: every ordered pair of statuses", () => {
  describeTransitions(paymentStatus, [
    ['pending', 'completed'],
    ['pending', 'failed'],
    ['completed', 'refunded'],
    ['failed', 'refunded'],
  ]);
});

describe('saga state table: every ordered pair of states', () => {
  describeTransitions(sagaState, [
    ['reserving_stock', 'authorizing_payment'],
    ['reserving_stock', 'compensated'],
    ['reserving_stock', 'cancelled'],
    ['authorizing_payment', 'committing_stock'],
    ['authorizing_payment', 'compensated'],
    ['authorizing_payment', 'cancelled'],
    ['committing_stock', 'completed'],
    ['committing_stock', 'compensated'],
    ['committing_stock', 'cancelled'],
    ['completed', 'cancelled'],
  ]);
});
