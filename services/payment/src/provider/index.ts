import { ConfigError } from '@commerce/shared';
import type { PaymentProvider } from './provider.js';
import { SandboxProvider } from './sandbox.js';

export * from './provider.js';
export { SandboxProvider } from './sandbox.js';

/** The providers PAYMENT_PROVIDER may name. A real adapter is added here (docs/guides/payment-provider.md). */
export const PROVIDER_NAMES = ['sandbox'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ProviderSettings {
  PAYMENT_PROVIDER: string;
  SANDBOX_SLOW_MS: number;
}

/**
 * The one place the provider is chosen from config (PAYMENT_PROVIDER, default `sandbox`). The
 * config already refuses an unknown name; this repeats the check for callers that build settings
 * by hand, so the service never starts with a provider it cannot talk to.
 */
export function createProvider(settings: ProviderSettings): PaymentProvider {
  const name = settings.PAYMENT_PROVIDER as ProviderName;
  switch (name) {
    case 'sandbox':
      return new SandboxProvider({ slowMs: settings.SANDBOX_SLOW_MS });
    default:
      throw new ConfigError(['PAYMENT_PROVIDER'], `PAYMENT_PROVIDER "${String(name)}" is not a known payment provider (known: ${PROVIDER_NAMES.join(', ')})`);
  }
}
