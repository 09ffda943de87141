import { expect } from 'chai';
import { MemoryTransport } from '../../src/testing/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { runWithContext } from '../../src/logging/context.js';


describe('logger', () => {
  it('when logging inside a request context, then the line carries service, traceId and correlationId but no secrets', () => {
    const memory = new MemoryTransport();
    const logger = createLogger('svc', 'info', [memory]);
    runWithContext({ traceId: 't'.repeat(32), spanId: 's', correlationId: 'order-1' }, () => {
      logger.info('signed in', { email: 'a@b.c', password: 'secret', customerId: 'c1' });
    });
    expect(memory.lines).to.have.length(1);
    expect(memory.lines[0]).to.include({
      service: 'svc',
      level: 'info',
      message: 'signed in',
      traceId: 't'.repeat(32),
      correlationId: 'order-1',
      email: '[redacted]',
      password: '[redacted]',
      customerId: 'c1',
    });
  });
});
