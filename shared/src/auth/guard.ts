import type { RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Principal, Role, TokenVerifier } from './verifier.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** Verifies the bearer token and keeps the principal on res.locals for the handlers. */
export function authenticate(verify: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) return next(new UnauthenticatedError());
    verify(match[1]!).then((principal) => {
      res.locals.principal = principal;
      next();
    }, next);
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) return next(new UnauthenticatedError());
    if (!roles.includes(principal.role)) return next(new ForbiddenError());
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
