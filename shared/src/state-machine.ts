import { ConflictError } from './errors.js';

/**
 * A status lifecycle as data: `table[from]` lists the states `from` may move to; a state that maps to
 * `[]` is final. The table is the only place a service defines its transitions, so the rules can be
 * read (and tested exhaustively, see `describeTransitions` in @commerce/shared/testing) in one place.
 */
export interface StateMachine<S extends string> {
  readonly name: string;
  /** Every state, in the table's order. */
  readonly states: S[];
  can(from: S, to: S): boolean;
  /** Throws ConflictError INVALID_TRANSITION ("<name> cannot go from <from> to <to>") unless `can(from, to)`. */
  assert(from: S, to: S): void;
  /** The states `from` may move to (a copy; empty for a final or unknown state). */
  allowedFrom(from: S): S[];
}

/**
 * Defines a state machine. Throws at definition time (module load) when the table names a target
 * that is not one of its states, so a typo can't silently forbid (or allow) a transition.
 */
export function defineStateMachine<S extends string>(name: string, table: Record<S, readonly S[]>): StateMachine<S> {
  const states = Object.keys(table) as S[];
  if (states.length === 0) throw new Error(`State machine ${name} has no states`);
  const known = new Set<string>(states);
  const allowed = new Map<string, ReadonlySet<string>>();
  for (const from of states) {
    const targets = table[from];
    if (!Array.isArray(targets)) throw new Error(`State machine ${name}: the targets of ${from} must be an array`);
    for (const to of targets) {
      if (!known.has(to)) throw new Error(`State machine ${name}: ${from} → ${String(to)} names an unknown state (known: ${states.join(', ')})`);
    }
    allowed.set(from, new Set(targets));
  }

  const can = (from: S, to: S): boolean => allowed.get(from)?.has(to) ?? false;
  return Object.freeze({
    name,
    get states() {
      return [...states];
    },
    can,
    assert(from: S, to: S): void {
      if (!can(from, to)) throw new ConflictError('INVALID_TRANSITION', `${name} cannot go from ${from} to ${to}`);
    },
    allowedFrom(from: S): S[] {
      return states.filter((to) => can(from, to));
    },
  });
}
