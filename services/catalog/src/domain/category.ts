import { randomUUID } from 'node:crypto';

/** A shelf of the store. The slug's format is the contract's to check (^[a-z0-9]+(-[a-z0-9]+)*$); its uniqueness the database's. */
export class Category {
  readonly id: string = randomUUID();
  name: string;
  slug: string;
  readonly createdAt: Date = new Date();

  constructor(props: { name: string; slug: string }) {
    this.name = props.name.trim();
    this.slug = props.slug;
  }
}
