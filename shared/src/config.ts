import { cleanEnv, str, port, url, num, EnvError, EnvMissingError, type Spec } from 'envalid';

export { str, port, url, bool, num } from 'envalid';

export class ConfigError extends Error {
  constructor(readonly variables: string[], details: string) {
    super(`Invalid configuration: ${details}`);
    this.name = 'ConfigError';
  }
}

type Specs = { [key: string]: Spec<unknown> };

/**
 * Reads and validates the environment once, at start-up. Every problem is reported at once,
 * naming the variable; secrets are declared with `devDefault` only, so they have no default
 * outside development and test.
 */
export function loadConfig<S extends Specs>(specs: S, env: NodeJS.ProcessEnv = process.env) {
  return cleanEnv(env, specs, {
    reporter: ({ errors }) => {
      const names = Object.keys(errors);
      if (names.length === 0) return;
      const details = names
        .map((name) => {
          const error = errors[name];
          if (error instanceof EnvMissingError) return `${name} is missing`;
          if (error instanceof EnvError) return `${name} is malformed (${error.message})`;
          return `${name}: ${String(error?.message ?? error)}`;
        })
        .join('; ');
      throw new ConfigError(names, details);
    },
  });
}

/** What every service reads: where it runs and the infrastructure it talks to. */
export const commonConfig = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'production' }),
  PORT: port({ desc: 'HTTP port' }),
  LOG_LEVEL: str({ choices: ['error', 'warn', 'info', 'debug'], default: 'info' }),
  DATABASE_URL: url({ desc: 'PostgreSQL URL of this service database' }),
  AMQP_URL: url({ desc: 'RabbitMQ URL (vhost included)' }),
  REDIS_URL: url({ desc: 'Redis URL; the path selects the database' }),
  CORS_ORIGINS: str({ default: '', desc: 'Comma-separated origins allowed by CORS' }),
  TRUST_PROXY: str({ default: 'loopback', desc: 'Express trust proxy setting (the gateway in front)' }),
  RATE_LIMIT_PER_MINUTE: num({ default: 600, desc: 'Requests per minute per client IP on /api' }),
  SHUTDOWN_TIMEOUT_MS: num({ default: 10_000 }),
};
