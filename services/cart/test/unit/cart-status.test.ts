import { describeTransitions } from '@commerce/shared/testing';
import { cartStatus } from '../../src/domain/cart-status.js';

describe('cart status table: every ordered pair of statuses', () => {
  describeTransitions(cartStatus, [
    ['pending', 'submitted'],
    ['pending', 'abandoned'],
    ['submitted', 'converted'],
    ['submitted', 'pending'],
  ]);
});
