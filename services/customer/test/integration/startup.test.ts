import { expect } from 'chai';
import { runNode } from '../support/run-node.js';

const start = (env: NodeJS.ProcessEnv) => runNode('src/main.ts', [], env);

describe('start-up configuration', () => {
  it('when a required variable is missing, then the service refuses to start and names it', () => {
    const { JWT_PRIVATE_KEY_FILE: _dropped, ...env } = process.env;
    const run = start(env);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/JWT_PRIVATE_KEY_FILE is missing/);
  });

  it('when a variable is malformed, then the message names it', () => {
    const run = start({ ...process.env, PORT: 'eighty', REDIS_URL: 'nope' });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/PORT is malformed/);
    expect(run.stderr).to.match(/REDIS_URL is malformed/);
  });
});
