/**
 * The checkout saga's `decide` (src/domain/saga.ts): pure, no I/O, run once per saga message under
 * the order's row lock, so its cost is added to every step of every checkout.
 *   node --conditions=development --import=tsx services/order/bench/saga.bench.ts
 */
import { Bench } from 'tinybench';
import { decide, type SagaEvent, type SagaPolicy, type SagaView } from '../src/domain/saga.js';
// The report format is the kit's bench helper; it is not part of the kit's published API.
import { batched, publishReport, tinybenchRows } from '../../../shared/bench/results.js';

const policy: SagaPolicy = { maxReserveAttempts: 3 };
const step = (view: SagaView, event: SagaEvent) => batched(() => decide(view, event, policy));

const bench = new Bench({ name: 'order saga decide' })
  // The three answers of a checkout that goes through, in order.
  .add('reserving_stock + stock.reserved', step({ state: 'reserving_stock', orderStatus: 'pending', paymentStatus: 'pending', attempts: 0 }, { type: 'stock.reserved' }))
  .add('authorizing_payment + payment.completed', step({ state: 'authorizing_payment', orderStatus: 'pending', paymentStatus: 'pending', attempts: 0 }, { type: 'payment.completed' }))
  .add('committing_stock + stock.committed', step({ state: 'committing_stock', orderStatus: 'pending', paymentStatus: 'completed', attempts: 0 }, { type: 'stock.committed' }))
  // The compensating path: a declined card gives up and releases the stock.
  .add('authorizing_payment + payment.failed', step({ state: 'authorizing_payment', orderStatus: 'pending', paymentStatus: 'pending', attempts: 0 }, { type: 'payment.failed', reason: 'PAYMENT_DECLINED' }))
  // A cancel checks the order's own state machine first.
  .add('completed + cancel by customer', step({ state: 'completed', orderStatus: 'processing', paymentStatus: 'completed', attempts: 0 }, { type: 'cancel', by: 'customer', note: null }));

await bench.run();
publishReport({
  id: 'order-saga-decide',
  title: 'Order saga: decide(view, event) per step (services/order/bench/saga.bench.ts)',
  latency: 'one decide call (p50/p99 of means over batches of 1,000 calls)',
  rows: tinybenchRows(bench),
});
