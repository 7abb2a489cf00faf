// Password hashing at OWASP's current recommendation for argon2id (19 MiB of memory, 2 passes,
// parallelism 1; Password Storage Cheat Sheet). Hashes made before it (scrypt, N=2^14) still verify
// and are upgraded on the next successful login. A check for an unknown account verifies against a
// dummy hash, so a failed login costs the same whether the account exists or not.
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import crypto from 'node:crypto';
import { promisify } from 'node:util';

// Algorithm.Argon2id is 2 (an ambient const enum, which verbatimModuleSyntax cannot import as a value).
const ARGON2ID = { algorithm: 2 satisfies Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const ARGON2ID_PREFIX = `$argon2id$v=19$m=${ARGON2ID.memoryCost},t=${ARGON2ID.timeCost},p=${ARGON2ID.parallelism}$`;

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

/** Checks a password against a stored hash of any scheme this server has written; never throws on a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }
  // Legacy: scrypt$N$salt$key with r=8, p=1.
  const [scheme, n, saltB64, keyB64] = stored.split('$');
  const cost = Number(n);
  if (scheme !== 'scrypt' || !saltB64 || !keyB64 || !Number.isInteger(cost) || cost < 2 || cost > 2 ** 20) return false;
  const expected = Buffer.from(keyB64, 'base64');
  if (expected.length === 0) return false;
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, { N: cost, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  return crypto.timingSafeEqual(key, expected);
}

/** True when a stored hash is weaker than (or different from) what hashPassword writes today. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(ARGON2ID_PREFIX);
}

let dummyHash: Promise<string> | null = null;

/** Spends the time of one verification, for logins naming no account (no timing oracle for account existence). */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('base64'));
  await verifyPassword(password, await dummyHash);
  return false;
}
