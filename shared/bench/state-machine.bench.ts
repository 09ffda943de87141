/**
 * The kit's state-machine transition checks (src/state-machine.ts): every status change of an
 * order, a cart, a payment, a saga goes through `assert`; `can` answers the listings' "allowed".
 *   node --conditions=development --import=tsx shared/bench/state-machine.bench.ts
 */
import { Bench } from 'tinybench';
import { ConflictError, defineStateMachine } from '../src/index.js';
import { batched, publishReport, tinybenchRows } from './results.js';

type Status = 'pending' | 'processing' | 'shipped' | 'delivered' | 'cancelled';

// The order's table (services/order/src/domain/order-status.ts): a typical size.
const machine = defineStateMachine<Status>('order', {
  pending: ['processing', 'cancelled'],
  processing: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
});

const bench = new Bench({ name: 'state machine' })
  .add('can: allowed', batched(() => machine.can('pending', 'processing')))
  .add('can: refused', batched(() => machine.can('delivered', 'cancelled')))
  .add('assert: allowed', batched(() => machine.assert('processing', 'shipped')))
  // The refusal builds and throws a ConflictError (409 INVALID_TRANSITION): the costly path.
  .add(
    'assert: refused (throws)',
    batched(() => {
      try {
        machine.assert('delivered', 'cancelled');
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }),
  )
  .add('allowedFrom', batched(() => machine.allowedFrom('processing')));

await bench.run();
publishReport({
  id: 'shared-state-machine',
  title: 'Kit state machine: transition checks (shared/bench/state-machine.bench.ts)',
  latency: 'one call (p50/p99 of means over batches of 1,000 calls)',
  rows: tinybenchRows(bench),
});
