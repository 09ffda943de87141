import { expect } from 'chai';
import { startPeriodic } from '../../src/periodic.js';
import { createLogger } from '../../src/logging/logger.js';
import { eventually, MemoryTransport } from '../../src/testing/index.js';

describe('periodic jobs', () => {
  it('when a pass fails, then it is logged and the next pass still runs; passes never overlap', async () => {
    const logs = new MemoryTransport();
    let passes = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const job = startPeriodic({
      name: 'test sweep',
      intervalMs: 5,
      logger: createLogger('t', 'info', [logs]),
      task: async () => {
        passes += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 15));
        inFlight -= 1;
        if (passes === 1) throw new Error('boom');
      },
    });
    await eventually(() => expect(passes).to.be.at.least(3));
    await job.stop();
    expect(maxInFlight).to.equal(1);
    expect(logs.lines.filter((l) => l.message === 'test sweep failed')).to.have.length(1);
  });

  it('when stopped during a pass, then stop waits for it and no pass starts afterwards', async () => {
    let finished = false;
    let passes = 0;
    const job = startPeriodic({
      name: 'slow',
      intervalMs: 1,
      logger: createLogger('t', 'error', [new MemoryTransport()]),
      task: async () => {
        passes += 1;
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished = true;
      },
    });
    await eventually(() => expect(passes).to.be.at.least(1), { intervalMs: 5 });
    await job.stop();
    expect(finished).to.equal(true);
    const after = passes;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passes).to.equal(after);
  });
});
