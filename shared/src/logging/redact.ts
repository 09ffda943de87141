/**
 * Keys whose values never reach a log line: credentials, tokens and personal data.
 * Matched case-insensitively against every key at any depth.
 */
const SENSITIVE = /pass(word)?|secret|token|authorization|cookie|email|phone|card|cvc|cvv|privatekey|^key$/i;

/** The value as it may be logged under `key`. */
export function redactEntry(key: string, value: unknown, depth = 0): unknown {
  if (SENSITIVE.test(key)) return '[redacted]';
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redactEntry('', v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactEntry(k, v, depth + 1)]));
}
