import type { PaymentConfig } from '../config.js';
import type { PaymentProvider } from './provider.js';
import { SandboxProvider } from './sandbox.js';

export * from './provider.js';
export { SandboxProvider } from './sandbox.js';

/**
 * The one place the provider is chosen from config. Today only the sandbox exists; a real adapter
 * (docs/architecture.md, payment section) is added here behind a PAYMENT_PROVIDER setting.
 */
export function createProvider(config: PaymentConfig): PaymentProvider {
  return new SandboxProvider({ slowMs: config.SANDBOX_SLOW_MS });
}
