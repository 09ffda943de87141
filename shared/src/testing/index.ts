import Transport from 'winston-transport';

/**
 * Test helpers shared by every service's tests (imported as `@commerce/shared/testing`).
 * Not used by production code.
 */

/**
 * Retries an assertion until it passes or the timeout elapses, then rethrows its last failure. The
 * default is generous (15 s): under a full `make test` on 2 cores a broker round trip can take seconds,
 * and a passing assertion returns at once anyway.
 */
export async function eventually<T>(assertion: () => Promise<T> | T, { timeoutMs = 15_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** A winston transport that keeps log lines in memory, to assert on what a component logged. */
export class MemoryTransport extends Transport {
  readonly lines: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void) {
    this.lines.push({ ...info });
    next();
  }
}

export { ApiClient, type ApiResponse } from './api-client.js';
export { runNode, runNodeAsync } from './run-node.js';
export { describeTransitions } from './state-machine.js';
export { testTokens, type TestTokens } from './tokens.js';
export { purgeQueue, waitForConsumer } from './broker.js';
export { deleteRedisKeys, truncateTables } from './database.js';
