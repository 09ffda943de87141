import { expect } from 'chai';
import { AppError, ConflictError } from '../../src/errors.js';
import { defineStateMachine } from '../../src/state-machine.js';
import { describeTransitions } from '../../src/testing/index.js';

type Status = 'pending' | 'submitted' | 'converted' | 'abandoned';

/** The cart's table from the brief, as a sample. */
const sample = defineStateMachine<Status>('cart', {
  pending: ['submitted', 'abandoned'],
  submitted: ['converted', 'pending'],
  converted: [],
  abandoned: [],
});

const ALLOWED: [Status, Status][] = [
  ['pending', 'submitted'],
  ['pending', 'abandoned'],
  ['submitted', 'converted'],
  ['submitted', 'pending'],
];

describe('defineStateMachine', () => {
  describe('every ordered pair of the sample table (describeTransitions)', () => {
    describeTransitions(sample, ALLOWED);
  });

  it('when asked for its states, then they are the table keys in order, and a copy', () => {
    expect(sample.name).to.equal('cart');
    expect(sample.states).to.deep.equal(['pending', 'submitted', 'converted', 'abandoned']);
    sample.states.push('pending');
    expect(sample.states).to.have.length(4);
  });

  it('when asked what a state may move to, then it lists the allowed targets (none for a final state)', () => {
    expect(sample.allowedFrom('pending')).to.have.members(['submitted', 'abandoned']);
    expect(sample.allowedFrom('submitted')).to.have.members(['converted', 'pending']);
    expect(sample.allowedFrom('converted')).to.deep.equal([]);
    expect(sample.allowedFrom('abandoned')).to.deep.equal([]);
  });

  it('when a forbidden transition is asserted, then it is a 409 ConflictError INVALID_TRANSITION naming the machine and both states', () => {
    let caught: unknown;
    try {
      sample.assert('converted', 'pending');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ConflictError);
    expect(caught).to.be.instanceOf(AppError);
    const error = caught as ConflictError;
    expect(error.status).to.equal(409);
    expect(error.code).to.equal('INVALID_TRANSITION');
    expect(error.message).to.equal('cart cannot go from converted to pending');
  });

  it('when a state moves to itself without the table saying so, then it is forbidden', () => {
    expect(sample.can('pending', 'pending')).to.equal(false);
    expect(() => sample.assert('pending', 'pending')).to.throw(ConflictError, 'cart cannot go from pending to pending');
  });

  it('when a value outside the table arrives at run time (e.g. from a row), then nothing is allowed from or to it', () => {
    const unknown = 'lost' as Status;
    expect(sample.can(unknown, 'pending')).to.equal(false);
    expect(sample.can('pending', unknown)).to.equal(false);
    expect(sample.allowedFrom(unknown)).to.deep.equal([]);
    expect(() => sample.assert(unknown, 'pending')).to.throw(ConflictError);
  });

  it('when the table names an unknown target state, then defining it throws at once', () => {
    expect(() =>
      defineStateMachine('order', {
        pending: ['confirmed', 'canceled'],
        confirmed: [],
        cancelled: [],
      } as Record<'pending' | 'confirmed' | 'cancelled', readonly ('pending' | 'confirmed' | 'cancelled')[]>),
    ).to.throw(/order: pending → canceled names an unknown state/);
  });

  it('when the table is empty, then defining it throws', () => {
    expect(() => defineStateMachine('nothing', {})).to.throw(/no states/);
  });

  it('when the machine is defined, then later changes to the table object do not change it', () => {
    const table: Record<'a' | 'b', ('a' | 'b')[]> = { a: ['b'], b: [] };
    const machine = defineStateMachine('copy', table);
    table.b.push('a');
    expect(machine.can('b', 'a')).to.equal(false);
  });
});

describe('describeTransitions', () => {
  it('when an expected pair names an unknown state, then it throws instead of generating tests', () => {
    expect(() => describeTransitions(sample, [['pending', 'shipped' as Status]])).to.throw(/unknown state/);
  });
});
