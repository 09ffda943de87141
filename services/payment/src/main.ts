import { ConfigError } from '@commerce/shared';
import { loadPaymentConfig } from './config.js';
import { startPaymentService } from './service.js';

try {
  const config = loadPaymentConfig();
  await startPaymentService(config, { handleSignals: true });
} catch (error) {
  // Before the logger exists, say plainly what is wrong and stop.
  process.stderr.write(`payment service failed to start: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
}
