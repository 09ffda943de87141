import { expect } from 'chai';
import Transport from 'winston-transport';
import { createLogger } from '../../src/logging/logger.js';
import { runWithContext } from '../../src/logging/context.js';

class Memory extends Transport {
  lines: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void) {
    this.lines.push(JSON.parse(JSON.stringify(info)) as Record<string, unknown>);
    next();
  }
}

describe('logger', () => {
  it('when logging inside a request context, then the line carries service, traceId and correlationId but no secrets', () => {
    const memory = new Memory();
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
