/** The cart's copy of a customer's address (read model fed by customer.address.* events). */
export class CustomerAddress {
  addressId!: string;
  customerId!: string;
  line1!: string;
  line2!: string | null;
  city!: string;
  postalCode!: string;
  country!: string;
  removed!: boolean;
  lastEventAt!: Date;

  /** A checkout may ship only to a live address of the customer who checks out. */
  usableBy(customerId: string): boolean {
    return !this.removed && this.customerId === customerId;
  }

  toShippingAddress() {
    return { line1: this.line1, line2: this.line2, city: this.city, postalCode: this.postalCode, country: this.country };
  }
}
