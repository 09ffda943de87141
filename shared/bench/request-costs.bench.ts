/**
 * What the kit adds to a request: verifying the ES256 access token (every authenticated request
 * of every service) and answering an error as problem+json.
 *   node --conditions=development --import=tsx shared/bench/request-costs.bench.ts
 */
import type { Request, Response } from 'express';
import { Bench } from 'tinybench';
import { createLogger, createTokenVerifier, NotFoundError, problemHandler, UnauthenticatedError, ValidationError } from '../src/index.js';
import { testTokens } from '../src/testing/index.js';
import { batched, publishReport, tinybenchRows } from './results.js';

// A P-256 key served by localKeys, as the customer service verifies its own tokens.
const tokens = testTokens('bench-key');
const verify = createTokenVerifier(tokens.keyResolver);
const token = tokens.sign('2b0d6c57-8d4e-4a57-9b8e-3f3c8f0b9e11', 'customer');
const forged = `${token.slice(0, -4)}AAAA`;

// Only what sendProblem touches: status, type, send, setHeader. Express's own writing is not measured.
const res = {
  headersSent: false,
  status: () => res,
  type: () => res,
  send: () => res,
  setHeader: () => res,
} as unknown as Response;
const req = { method: 'GET' } as Request;
const handle = problemHandler(createLogger('bench', 'error'));
const next = () => undefined;
const notFound = new NotFoundError('PRODUCT_NOT_FOUND', 'No product with this id.');
const invalid = new ValidationError('The request is invalid.', [{ path: '/body/quantity', message: 'must be >= 1' }]);

const bench = new Bench({ name: 'request costs' })
  .add('verify ES256 access token (valid)', async () => {
    await verify(token);
  })
  .add('verify ES256 access token (bad signature)', async () => {
    await verify(forged).catch((error: unknown) => {
      if (!(error instanceof UnauthenticatedError)) throw error;
    });
  })
  .add('problem+json: 404 NotFoundError', batched(() => handle(notFound, req, res, next), 100))
  .add('problem+json: 400 ValidationError with 1 field', batched(() => handle(invalid, req, res, next), 100));

await bench.run();
publishReport({
  id: 'shared-request-costs',
  title: 'Kit per-request costs (shared/bench/request-costs.bench.ts)',
  latency: 'one verification; one error answer (p50/p99 of means over batches of 100)',
  rows: tinybenchRows(bench),
});
