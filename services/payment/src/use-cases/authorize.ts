import { LockMode } from '@mikro-orm/postgresql';
import type { EntityManager, Logger } from '@commerce/shared';
import { Payment, type FailureReason } from '../domain/payment.js';
import { announceOutcome } from '../messaging/payment-events.js';
import type { PaymentMetrics } from '../metrics.js';
import { TransientProviderError, sleep, type ChargeResult, type PaymentProvider } from '../provider/provider.js';
import { recordChange } from './history.js';

/** payment.authorize-payment's data (contracts/events). */
export interface AuthorizeCommand {
  orderId: string;
  customerId: string;
  amountCents: number;
  currency: string;
  paymentToken: string;
  deadline: string;
}

export interface AuthorizeDeps {
  /** The root entity manager: every transaction here runs on a fork of its own. */
  em: EntityManager;
  provider: PaymentProvider;
  logger: Logger;
  metrics: PaymentMetrics;
  /** Waits between attempts after a transient provider failure; the last one repeats. */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000];

type Outcome = { kind: 'charged'; providerReference: string } | { kind: 'failed'; reason: FailureReason };

/**
 * Handles payment.authorize-payment:
 * 1. creates the payment row (pending, with its history row) on first sight of the order: the
 *    unique order id makes concurrent or repeated commands share one row;
 * 2. a payment already final re-announces its outcome and charges nothing;
 * 3. otherwise the provider is called OUTSIDE any transaction, with the order id as idempotency
 *    key (so every attempt, by any delivery, is the same charge) and a signal that aborts at the
 *    command's deadline; transient failures are retried with backoff until then;
 * 4. in one transaction, on the row locked: the status change, its history row and the outcome
 *    event. If another delivery got there first, its outcome stands and nothing is written.
 * Past the deadline the payment fails with PAYMENT_TIMEOUT.
 */
export async function authorizePayment(deps: AuthorizeDeps, command: AuthorizeCommand): Promise<Payment> {
  const payment = await firstSight(deps.em.fork(), command);
  if (payment.isFinal) {
    await deps.em.fork().transactional(async (tx) => {
      announceOutcome(tx, payment);
    });
    deps.logger.info('payment already final: outcome announced again', { orderId: payment.orderId, status: payment.status });
    return payment;
  }

  const outcome = await charge(deps, command);

  return deps.em.fork().transactional(async (tx) => {
    const locked = await tx.findOneOrFail(Payment, { id: payment.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (locked.isFinal) return locked;
    const change = outcome.kind === 'charged' ? locked.complete(outcome.providerReference) : locked.fail(outcome.reason);
    await recordChange(tx, locked.id, change);
    announceOutcome(tx, locked);
    deps.metrics.payments.inc({ outcome: outcome.kind === 'charged' ? 'completed' : metricOutcome(outcome.reason) });
    return locked;
  });
}

async function firstSight(em: EntityManager, command: AuthorizeCommand): Promise<Payment> {
  return em.transactional(async (tx) => {
    const fresh = new Payment(command);
    const inserted = (await tx.execute(
      `insert into payments (id, order_id, customer_id, amount_cents, currency, status, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'pending', ?, ?) on conflict (order_id) do nothing returning id`,
      [fresh.id, fresh.orderId, fresh.customerId, fresh.amountCents, fresh.currency, fresh.createdAt, fresh.updatedAt],
    )) as unknown[];
    if (inserted.length > 0) await recordChange(tx, fresh.id, fresh.created());
    return tx.findOneOrFail(Payment, { orderId: command.orderId });
  });
}

async function charge(deps: AuthorizeDeps, command: AuthorizeCommand): Promise<Outcome> {
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const remainingMs = new Date(command.deadline).getTime() - Date.now();
  // The saga has given up already: asking the provider now could only charge an order being cancelled.
  if (remainingMs <= 0) return { kind: 'failed', reason: 'PAYMENT_TIMEOUT' };
  const signal = AbortSignal.timeout(remainingMs);
  const request = { idempotencyKey: command.orderId, amountCents: command.amountCents, currency: command.currency, token: command.paymentToken };
  for (let attempt = 0; ; attempt += 1) {
    const stop = deps.metrics.providerDuration.startTimer({ operation: 'charge' });
    let result: ChargeResult;
    try {
      result = await deps.provider.charge(request, signal);
    } catch (error) {
      if (signal.aborted) {
        stop({ result: 'aborted' });
        return { kind: 'failed', reason: 'PAYMENT_TIMEOUT' };
      }
      if (!(error instanceof TransientProviderError)) {
        stop({ result: 'error' });
        throw error;
      }
      stop({ result: 'transient' });
      deps.logger.warn('transient provider failure; retrying', { orderId: command.orderId, attempt, error: error.message });
      try {
        await sleep(delays[Math.min(attempt, delays.length - 1)] ?? 1000, signal);
      } catch {
        return { kind: 'failed', reason: 'PAYMENT_TIMEOUT' };
      }
      continue;
    }
    stop({ result: result.outcome === 'succeeded' ? 'ok' : 'declined' });
    return result.outcome === 'succeeded' ? { kind: 'charged', providerReference: result.providerReference } : { kind: 'failed', reason: result.reason };
  }
}

function metricOutcome(reason: FailureReason) {
  return reason === 'PAYMENT_DECLINED' ? 'declined' : reason === 'PAYMENT_INSUFFICIENT_FUNDS' ? 'insufficient_funds' : 'timeout';
}
