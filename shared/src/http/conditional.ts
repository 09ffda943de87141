import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { PreconditionFailedError } from '../errors.js';

/** A strong ETag of a representation: the same JSON always gives the same tag. */
export function etagOf(representation: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 27)}"`;
}

function listIncludes(header: string, tag: string): boolean {
  return header.split(',').some((t) => {
    const candidate = t.trim();
    return candidate === '*' || candidate === tag || candidate === `W/${tag}`;
  });
}

/** Sends a single resource with its ETag, or 304 when the client's copy is current. */
export function sendRepresentation(req: Request, res: Response, representation: object, status = 200) {
  const tag = etagOf(representation);
  res.setHeader('ETag', tag);
  const ifNoneMatch = req.get('if-none-match');
  if (status === 200 && ifNoneMatch && listIncludes(ifNoneMatch, tag)) {
    res.status(304).end();
    return;
  }
  res.status(status).json(representation);
}

/** Optimistic concurrency for writes: a stale `If-Match` fails with 412 before anything changes. */
export function assertIfMatch(req: Request, currentRepresentation: unknown) {
  const ifMatch = req.get('if-match');
  if (ifMatch && !listIncludes(ifMatch, etagOf(currentRepresentation))) throw new PreconditionFailedError();
}
