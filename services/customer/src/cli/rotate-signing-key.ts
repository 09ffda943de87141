import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '@commerce/shared';
import { customerConfig } from '../config.js';
import { rotateSigningKey } from '../auth/rotation.js';

/**
 * Rotates the access-token signing key (docs/runbooks/rotate-jwt-signing-key.md): a new P-256
 * key, or with `--to FILE` that key (a rollback to a kept key, or one published ahead). Prints
 * kids only, never key material.
 *   rotate-signing-key [--to FILE]
 * Reads only JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_KEYS_DIR, ACCESS_TOKEN_TTL_SECONDS and
 * JWT_PREVIOUS_KEY_GRACE_SECONDS: an operator can run it on a Secret's files, with no database or
 * broker in reach.
 * Exit codes: 0 rotated (or already current), 1 the rotation failed (nothing signs differently), 2 usage or
 * configuration error.
 */
function fail(message: string): never {
  process.stderr.write(`rotate-signing-key: ${message}\n`);
  process.exit(2);
}

const { JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_KEYS_DIR, JWT_PREVIOUS_KEY_GRACE_SECONDS, ACCESS_TOKEN_TTL_SECONDS } = customerConfig;
const { values, config } = (() => {
  try {
    return {
      values: parseArgs({ options: { to: { type: 'string' } }, strict: true }).values,
      config: loadConfig({ JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_KEYS_DIR, JWT_PREVIOUS_KEY_GRACE_SECONDS, ACCESS_TOKEN_TTL_SECONDS }),
    };
  } catch (error) {
    return fail(`${(error as Error).message}\nusage: rotate-signing-key [--to FILE]`);
  }
})();
// Without it the old key would vanish from the JWKS and every access token in flight with it.
if (!config.JWT_PREVIOUS_KEYS_DIR) fail('JWT_PREVIOUS_KEYS_DIR is not set: the retired key would have nowhere to stay published');

const rotation = await (async () =>
  rotateSigningKey({
    privateKeyFile: config.JWT_PRIVATE_KEY_FILE,
    previousKeysDir: config.JWT_PREVIOUS_KEYS_DIR,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    graceSeconds: config.JWT_PREVIOUS_KEY_GRACE_SECONDS,
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's own argument
    ...(values.to ? { to: createPrivateKey(readFileSync(values.to)) } : {}),
  }))().catch((error: Error) => {
    // The messages name files and kids only; a stack trace would say nothing more to an operator.
    process.stderr.write(`rotate-signing-key: ${error.message}\n`);
    return process.exit(1);
  });
if (!rotation.retired) {
  process.stdout.write(`signing ${rotation.signingKid} (already the current key, nothing changed)\n`);
} else {
  for (const { kid, reason } of rotation.removed) process.stdout.write(`removed ${kid} (${reason})\n`);
  process.stdout.write(
    `retired ${rotation.retired.kid} (published until ${rotation.retired.until.toISOString()}: access-token lifetime ${config.ACCESS_TOKEN_TTL_SECONDS} s + grace ${config.JWT_PREVIOUS_KEY_GRACE_SECONDS} s)\n` +
      `signing ${rotation.signingKid}\n` +
      'restart the customer service to sign with it; the other services fetch the JWKS again on its first token\n',
  );
}
