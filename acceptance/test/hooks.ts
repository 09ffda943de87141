import { stopStack } from './support/stack.js';

/** Root hooks: the stack is started by the first acceptance test that needs it, and stopped once, at the end. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopStack();
  },
};
