import { describeTransitions } from '@commerce/shared/testing';
import { paymentStatus } from '../../src/domain/payment-status.js';

describe('payment status table: every ordered pair of statuses', () => {
  describeTransitions(paymentStatus, [
    ['pending', 'completed'],
    ['pending', 'failed'],
    ['completed', 'refunded'],
    ['failed', 'refunded'],
  ]);
});
