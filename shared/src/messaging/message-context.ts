import { AsyncLocalStorage } from 'node:async_hooks';
import type { Envelope } from './envelope.js';

/** The message a consumer is handling, for code deep in the handler (outbox causation, inbox key). */
export interface MessageContext {
  envelope: Envelope;
  /** The queue it was consumed from: also the inbox's consumer key. */
  queue: string;
  /** 1 on first delivery, then 2, 3, ... after each retry. */
  attempt: number;
}

const storage = new AsyncLocalStorage<MessageContext>();

export function runWithMessage<T>(context: MessageContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentMessage(): MessageContext | undefined {
  return storage.getStore();
}
