import { Router } from 'express';
import type { Registry } from 'prom-client';

/** A named dependency check: resolves when healthy, rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: ReadinessCheck): Promise<unknown> {
  return Promise.race([
    check(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/** Ops endpoints that live outside /api/v1 and outside the OpenAPI contract. */
export function opsRouter(options: { checks: Record<string, ReadinessCheck>; registry: Registry; spec: object }) {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'up' });
  });
  router.get('/health/ready', async (_req, res) => {
    const names = Object.keys(options.checks);
    const results = await Promise.allSettled(names.map((name) => withTimeout(options.checks[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'up' : 'down']));
    const ready = results.every((r) => r.status === 'fulfilled');
    res.status(ready ? 200 : 503).json({ status: ready ? 'up' : 'down', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(options.spec);
  });
  return router;
}
