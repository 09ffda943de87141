import { ConfigError } from '@commerce/shared';
import { loadCartConfig } from './config.js';
import { startCartService } from './service.js';

try {
  const config = loadCartConfig();
  await startCartService(config, { handleSignals: true });
} catch (error) {
  // Before the logger exists, say plainly what is wrong and stop.
  process.stderr.write(`cart service failed to start: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
}
