import { ConfigError } from '@commerce/shared';
import { loadCustomerConfig } from './config.js';
import { startCustomerService } from './service.js';

try {
  const config = loadCustomerConfig();
  await startCustomerService(config, { handleSignals: true });
} catch (error) {
  // Before the logger exists, say plainly what is wrong and stop.
  process.stderr.write(`customer service failed to start: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
}
