// Path ids are checked once, from the param name, before any route runs: every `*_id` param must
// be a snowflake, as Discord's router requires. Discord answers a non-numeric id with its plain
// 404 (the route does not match) and a number that is not a snowflake (too long, or above the
// signed 64-bit range ids live in) with 50035.
import { DomainError } from '../domain/DomainError.ts';
import type { Params } from './Router.ts';

/** Ids are signed 64-bit integers in storage, as in Discord's API (2^63 - 1 at most). */
const SNOWFLAKE_LIMIT = 1n << 63n;
const U64_LIMIT = 1n << 64n;
const DIGITS = /^\d+$/;

/** Params that may be `@me` instead of an id (GET /applications/@me, DELETE .../members/@me ...). */
const ME_ALLOWED: ReadonlySet<string> = new Set(['user_id', 'application_id']);

/** Whether a non-id value is an alias the route takes: `@me`, or `@original` for an interaction's first answer. */
function isAlias(name: string, value: string, pattern: string): boolean {
  if (value === '@me') return ME_ALLOWED.has(name);
  return value === '@original' && name === 'message_id' && pattern.startsWith('/webhooks/');
}

/** A snowflake as Discord accepts one in a path: 1-20 digits, at most 2^63 - 1. */
export function isSnowflake(value: string): boolean {
  return value.length >= 1 && value.length <= 20 && DIGITS.test(value) && BigInt(value) < SNOWFLAKE_LIMIT;
}

/** The error for the first `*_id` param that is not a snowflake, or null when all are. */
export function invalidPathParam(params: Params, pattern: string): DomainError | null {
  for (const [name, value] of Object.entries(params)) {
    if (!name.endsWith('_id')) continue;
    if (isAlias(name, value, pattern)) continue;
    if (isSnowflake(value)) continue;
    if (!DIGITS.test(value)) return new DomainError('HttpNotFound');
    if (value.length <= 20 && BigInt(value) < U64_LIMIT) {
      return DomainError.invalidForm({ [name]: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: `Snowflake value should be less than or equal to ${SNOWFLAKE_LIMIT - 1n}.` }] } });
    }
    // The value is echoed back as Discord does; it is digits only, so it cannot carry markup or a token.
    const shown = value.length > 64 ? `${value.slice(0, 64)}...` : value;
    return DomainError.invalidForm({ [name]: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${shown}" is not snowflake.` }] } });
  }
  return null;
}
