import { randomUUID } from 'node:crypto';
import { ForbiddenError, UnprocessableError } from '@commerce/shared';

export type Role = 'customer' | 'admin';
export type CustomerStatus = 'active' | 'suspended';

/** Emails are unique case-insensitively and compared without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class Customer {
  readonly id: string = randomUUID();
  email: string;
  emailNormalized: string;
  name: string;
  phone: string | null = null;
  role: Role = 'customer';
  status: CustomerStatus = 'active';
  passwordHash: string;
  readonly createdAt: Date = new Date();
  updatedAt: Date = new Date();
  deletedAt: Date | null = null;

  constructor(props: { email: string; name: string; passwordHash: string; role?: Role }) {
    this.email = props.email.trim();
    this.emailNormalized = normalizeEmail(props.email);
    this.name = props.name.trim();
    this.passwordHash = props.passwordHash;
    if (props.role) this.role = props.role;
  }

  /** A suspended customer keeps their data but can neither log in nor refresh a session. */
  assertMaySignIn(): void {
    if (this.status === 'suspended') throw new ForbiddenError('This account is suspended.', 'ACCOUNT_SUSPENDED');
  }

  changeProfile(changes: { name?: string; phone?: string | null; email?: string }, now = new Date()): void {
    if (changes.name !== undefined) this.name = changes.name.trim();
    if (changes.phone !== undefined) this.phone = changes.phone;
    if (changes.email !== undefined) {
      this.email = changes.email.trim();
      this.emailNormalized = normalizeEmail(changes.email);
    }
    this.updatedAt = now;
  }

  changePasswordHash(hash: string, now = new Date()): void {
    this.passwordHash = hash;
    this.updatedAt = now;
  }

  /**
   * Admin changes of status and role. An admin may not suspend or demote themselves, so the
   * last admin can't lock everyone out by mistake.
   */
  applyAdminChange(actorId: string, changes: { status?: CustomerStatus; role?: Role }, now = new Date()): void {
    const demotesOrSuspends = (changes.status !== undefined && changes.status !== 'active') || (changes.role !== undefined && changes.role !== 'admin');
    if (actorId === this.id && demotesOrSuspends) {
      throw new UnprocessableError('CANNOT_MODIFY_SELF', 'Admins cannot suspend or demote their own account.');
    }
    if (changes.status !== undefined) this.status = changes.status;
    if (changes.role !== undefined) this.role = changes.role;
    this.updatedAt = now;
  }

  /** Soft delete: the row stays for the audit trail, the email becomes free for a new account. */
  markDeleted(now = new Date()): void {
    this.deletedAt = now;
    this.updatedAt = now;
  }
}
