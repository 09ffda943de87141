import type { Request, Response } from 'express';
import type { CachedRepresentation } from '../cache/catalog-cache.js';

function ifNoneMatchHits(req: Request, tag: string): boolean {
  const header = req.get('if-none-match');
  return !!header && header.split(',').some((t) => [tag, `W/${tag}`, '*'].includes(t.trim()));
}

/**
 * Sends a representation the cache holds as ready JSON. In production the bytes go out as they are
 * (no parse, no serialise, no contract check: they were produced by the same presenter); elsewhere
 * they go through res.json, so the response validator checks them against the contract in tests.
 */
export function sendCachedJson(res: Response, entry: CachedRepresentation, nodeEnv: string) {
  if (nodeEnv === 'production') res.type('application/json').send(entry.json);
  else res.json(JSON.parse(entry.json));
}

/** A single resource from the cache, with its ETag; 304 when the client's copy is current. */
export function sendCachedRepresentation(req: Request, res: Response, entry: CachedRepresentation, nodeEnv: string) {
  res.setHeader('ETag', entry.etag);
  if (ifNoneMatchHits(req, entry.etag)) {
    res.status(304).end();
    return;
  }
  sendCachedJson(res, entry, nodeEnv);
}
