import type { EntityManager, Logger } from '@commerce/shared';

/** A product as the catalog's public GET /api/v1/products lists it (the fields the cart keeps). */
interface ListedProduct {
  id: string;
  name: string;
  priceCents: number;
  currency: string;
  status: 'active' | 'archived';
  available: number;
}

interface Page {
  items: ListedProduct[];
  nextCursor: string | null;
}

export interface RebuildOptions {
  /** The catalog's base URL (CATALOG_URL). */
  catalogUrl: string;
  logger: Logger;
  pageSize?: number;
  /** Per request. */
  timeoutMs?: number;
}

const PAGE_LIMIT = 100_000;

/**
 * Rebuilds the product read model from scratch from the catalog's public listing (the runbook
 * docs/runbooks/cart-read-model.md says when). Every page is read first; then, in one
 * transaction, product_snapshots is truncated and refilled, so readers never see it half empty
 * and a failed read changes nothing. Archived products are not listed: missing from the model,
 * they are unavailable anyway. Each row's "as of" time is the moment its page was requested, so
 * events that happened after that still apply when they arrive, and older ones are ignored.
 */
export async function rebuildProductSnapshots(em: EntityManager, options: RebuildOptions): Promise<number> {
  const rows: { product: ListedProduct; readAt: Date }[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < PAGE_LIMIT; pages++) {
    const readAt = new Date();
    const url = new URL('/api/v1/products', options.catalogUrl);
    url.searchParams.set('limit', String(options.pageSize ?? 100));
    url.searchParams.set('sort', 'createdAt');
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000), headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`The catalog answered ${res.status} to ${url.pathname}${url.search}`);
    const page = (await res.json()) as Page;
    for (const product of page.items) rows.push({ product, readAt });
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  await em.transactional(async (tx) => {
    await tx.execute('truncate product_snapshots');
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await tx.execute(
        `insert into product_snapshots (product_id, name, price_cents, currency, status, available, last_event_at, available_at)
         values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict (product_id) do nothing`,
        batch.flatMap(({ product: p, readAt }) => [p.id, p.name, p.priceCents, p.currency, p.status, p.available, readAt, readAt]),
      );
    }
  });
  options.logger.info('product read model rebuilt', { products: rows.length });
  return rows.length;
}
