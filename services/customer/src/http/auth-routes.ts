import { createHash } from 'node:crypto';
import type { Request, Router } from 'express';
import { redisRateLimit } from '@commerce/shared';
import { normalizeEmail } from '../domain/customer.js';
import { registerCustomer } from '../use-cases/register.js';
import { logIn, logOut, refreshSession } from '../use-cases/sessions.js';
import { presentCustomer } from './presenters.js';
import type { HttpDeps } from './context.js';

/** Throttle keys never hold the email itself. */
const emailKey = (req: Request) => createHash('sha256').update(normalizeEmail(String((req.body as { email?: string }).email ?? ''))).digest('hex');

export function authRoutes(router: Router, { em, tokens, redis, logger, config }: HttpDeps) {
  const windowMs = config.LOGIN_WINDOW_SECONDS * 1000;
  const throttleByIp = redisRateLimit({ redis, logger, prefix: 'customer:login-ip', windowMs, limit: config.LOGIN_FAILURES_PER_IP, countFailuresOnly: true });
  const throttleByEmail = redisRateLimit({
    redis,
    logger,
    prefix: 'customer:login-email',
    windowMs,
    limit: config.LOGIN_FAILURES_PER_EMAIL,
    countFailuresOnly: true,
    keyGenerator: emailKey,
  });

  router.post('/api/v1/auth/register', async (req, res) => {
    const customer = await registerCustomer(em, req.body);
    res.status(201).location(`/api/v1/customers/${customer.id}`).json(presentCustomer(customer));
  });

  router.post('/api/v1/auth/login', throttleByIp, throttleByEmail, async (req, res) => {
    const { email, password } = req.body as { email: string; password: string };
    res.json(await logIn(em, tokens, email, password));
  });

  router.post('/api/v1/auth/refresh', async (req, res) => {
    res.json(await refreshSession(em, tokens, (req.body as { refreshToken: string }).refreshToken));
  });

  router.post('/api/v1/auth/logout', async (req, res) => {
    await logOut(em, (req.body as { refreshToken: string }).refreshToken);
    res.status(204).end();
  });

  router.get('/api/v1/auth/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(tokens.jwks());
  });
}
