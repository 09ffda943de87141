import type { ConfirmChannel, Options } from 'amqplib';

/** Resolves when the broker confirms the message (it is then on disk for persistent messages). */
export function sendConfirmed(channel: ConfirmChannel, queue: string, content: Buffer, options: Options.Publish): Promise<void> {
  return new Promise((resolve, reject) => {
    // A closed channel throws synchronously: the executor turns it into a rejection.
    channel.sendToQueue(queue, content, options, (error: unknown) => (error ? reject(asError(error, 'nacked')) : resolve()));
  });
}

export function asError(error: unknown, fallback: string): Error {
  return error instanceof Error ? error : new Error(`${fallback}: ${String(error)}`);
}

/**
 * Publishes on a confirm channel with a window of unconfirmed messages: awaiting each confirm
 * caps a publisher near 1k msg/s, a window of a few hundred gives 10x that (STACK-NOTES). Callers
 * past the window wait in FIFO order so a batch keeps its order on the wire.
 */
export class ConfirmWindow {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly size: number,
  ) {}

  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    await this.acquire();
    try {
      await new Promise<void>((resolve, reject) => {
        this.channel.publish(exchange, routingKey, content, options, (error: unknown) =>
          error ? reject(asError(error, 'nacked')) : resolve(),
        );
      });
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.size && this.waiting.length === 0) {
      this.inFlight += 1;
      return;
    }
    // The releasing publish hands its slot over directly, so no newcomer can overtake a waiter.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}
