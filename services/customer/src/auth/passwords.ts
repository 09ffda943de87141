import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id`: the library exports it as a const enum, which isolatedModules can't inline. */
const ARGON2ID = 2;

/** argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/** A real hash to verify against when the email is unknown, so both failures take as long. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    decoy ??= hashPassword('decoy-password-for-timing');
    await verify(await decoy, password);
    return false;
  }
  return verify(passwordHash, password);
}
