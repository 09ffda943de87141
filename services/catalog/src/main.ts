import { ConfigError } from '@commerce/shared';
import { loadCatalogConfig } from './config.js';
import { startCatalogService } from './service.js';

try {
  const config = loadCatalogConfig();
  await startCatalogService(config, { handleSignals: true });
} catch (error) {
  // Before the logger exists, say plainly what is wrong and stop.
  process.stderr.write(`catalog service failed to start: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
}
