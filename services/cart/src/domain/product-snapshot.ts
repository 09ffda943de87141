/** The cart's copy of a catalog product (read model fed by catalog events). */
export class ProductSnapshot {
  productId!: string;
  name!: string;
  priceCents!: number;
  currency!: string;
  /** 'unknown': only a stock event has been seen so far, no product facts. */
  status!: 'active' | 'archived' | 'unknown';
  available!: number;
  lastEventAt!: Date | null;
  availableAt!: Date | null;

  /** Only active products can be put in a cart or checked out. */
  isAvailable(): boolean {
    return this.status === 'active';
  }
}
