import { expect } from 'chai';
import { ConfigError, commonConfig, loadConfig, str } from '../../src/config.js';

const valid = {
  PORT: '3000',
  DATABASE_URL: 'postgres://u@localhost/db',
  AMQP_URL: 'amqp://localhost',
  REDIS_URL: 'redis://localhost/0',
};

describe('config', () => {
  it('when every variable is valid, then typed values and defaults come back', () => {
    const config = loadConfig(commonConfig, valid);
    expect(config.PORT).to.equal(3000);
    expect(config.NODE_ENV).to.equal('production');
    expect(config.RATE_LIMIT_PER_MINUTE).to.equal(600);
  });

  it('when a required variable is missing, then ConfigError names it', () => {
    const { DATABASE_URL: _omitted, ...env } = valid;
    expect(() => loadConfig(commonConfig, env)).to.throw(ConfigError, /DATABASE_URL is missing/);
  });

  it('when several are wrong, then all are named at once', () => {
    try {
      loadConfig(commonConfig, { ...valid, PORT: 'eighty', REDIS_URL: 'not a url' });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).variables).to.have.members(['PORT', 'REDIS_URL']);
      expect((error as Error).message).to.match(/PORT is malformed/);
    }
  });

  it('when a secret has only a development default, then production requires it', () => {
    const spec = { ...commonConfig, SIGNING_SECRET: str({ devDefault: 'dev-only' }) };
    expect(loadConfig(spec, { ...valid, NODE_ENV: 'development' }).SIGNING_SECRET).to.equal('dev-only');
    expect(() => loadConfig(spec, { ...valid, NODE_ENV: 'production' })).to.throw(ConfigError, /SIGNING_SECRET is missing/);
  });
});
