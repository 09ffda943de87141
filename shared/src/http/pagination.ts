import { ValidationError } from '../errors.js';

/**
 * Opaque keyset cursors: the sort key and id of the last row of a page, base64url-encoded.
 * Clients must treat them as opaque; a tampered one is a 400, not a 500.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const position: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(position) && position.length === arity && position.every((p) => typeof p === 'string' || typeof p === 'number')) {
      return position as (string | number)[];
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('The cursor is not valid.', [{ path: '/query/cursor', message: 'unknown cursor' }], 'INVALID_CURSOR');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Given `limit + 1` rows, returns a page of `limit` and the cursor of its last row when more follow. */
export function toPage<R, T>(rows: R[], limit: number, toItem: (row: R) => T, positionOf: (row: R) => readonly (string | number)[]): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(toItem), nextCursor: hasMore && last ? encodeCursor(positionOf(last)) : null };
}
