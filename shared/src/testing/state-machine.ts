import assert from 'node:assert/strict';
import type { StateMachine } from '../state-machine.js';

type MochaIt = (title: string, fn: () => void) => unknown;

/**
 * Generates one mocha `it` per ordered pair of states (from, to), every allowed one and every
 * forbidden one, so a service's transition table is tested exhaustively: `allowedPairs` is the
 * expectation written out independently of the table (e.g. `[['pending', 'submitted'], ...]`).
 * An allowed pair checks `can` and that `assert` passes; a forbidden one checks `can` is false and
 * that `assert` throws ConflictError INVALID_TRANSITION. A pair naming an unknown state fails at once.
 * Call it inside a `describe`.
 */
export function describeTransitions<S extends string>(machine: StateMachine<S>, allowedPairs: readonly (readonly [S, S])[]): void {
  const it = (globalThis as { it?: MochaIt }).it;
  if (typeof it !== 'function') throw new Error('describeTransitions must be called while mocha loads the test files');
  const states = machine.states;
  for (const [from, to] of allowedPairs) {
    if (!states.includes(from) || !states.includes(to)) throw new Error(`describeTransitions(${machine.name}): ${from} → ${to} names an unknown state`);
  }
  const expected = new Set(allowedPairs.map(([from, to]) => `${from}\u0000${to}`));
  for (const from of states) {
    for (const to of states) {
      if (expected.has(`${from}\u0000${to}`)) {
        it(`${machine.name}: ${from} → ${to} is allowed`, () => {
          assert.equal(machine.can(from, to), true, `${machine.name} should allow ${from} → ${to}`);
          assert.doesNotThrow(() => machine.assert(from, to));
          assert.ok(machine.allowedFrom(from).includes(to));
        });
      } else {
        it(`${machine.name}: ${from} → ${to} is forbidden (409 INVALID_TRANSITION)`, () => {
          assert.equal(machine.can(from, to), false, `${machine.name} should forbid ${from} → ${to}`);
          assert.throws(
            () => machine.assert(from, to),
            // By name, not instanceof: a test may load the kit's errors through another path than the service.
            (error: unknown) => {
              const e = error as { name?: string; code?: string; status?: number } | null;
              return e?.name === 'ConflictError' && e.code === 'INVALID_TRANSITION' && e.status === 409;
            },
          );
          assert.ok(!machine.allowedFrom(from).includes(to));
        });
      }
    }
  }
}
