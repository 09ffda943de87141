import { ConfigError } from '@commerce/shared';
import { loadOrderConfig } from './config.js';
import { startOrderService } from './service.js';

try {
  const config = loadOrderConfig();
  await startOrderService(config, { handleSignals: true });
} catch (error) {
  // Before the logger exists, say plainly what is wrong and stop.
  process.stderr.write(`order service failed to start: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
}
