// Column readers the PostgreSQL stores share. The pg driver hands back TEXT as string, INTEGER and
// BOOLEAN as themselves, BIGINT and NUMERIC as decimal strings, TEXT[] as string arrays and JSONB
// parsed. A row that does not hold what the schema says is a corrupt database: the reader throws
// with the column's name instead of passing a wrong type inward.
import type { PgRow } from './PostgresDatabase.ts';

function corrupt(row: PgRow, column: string, wanted: string): Error {
  const v = row[column];
  return new Error(`PostgreSQL row: column ${column} holds ${v === null ? 'null' : typeof v}, expected ${wanted}`);
}

export function text(row: PgRow, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw corrupt(row, column, 'text');
  return v;
}

export function textOrNull(row: PgRow, column: string): string | null {
  const v = row[column];
  if (v === null) return null;
  if (typeof v !== 'string') throw corrupt(row, column, 'text or null');
  return v;
}

/** INTEGER, or a BIGINT (a decimal string) within JavaScript's safe integers (epoch ms, flags). */
export function int(row: PgRow, column: string): number {
  const v = row[column];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw corrupt(row, column, 'a safe integer');
  return n;
}

export function intOrNull(row: PgRow, column: string): number | null {
  return row[column] === null ? null : int(row, column);
}

export function bool(row: PgRow, column: string): boolean {
  const v = row[column];
  if (typeof v !== 'boolean') throw corrupt(row, column, 'boolean');
  return v;
}

/** NUMERIC/BIGINT as an exact bigint (permission bitfields). */
export function bigintOf(row: PgRow, column: string): bigint {
  const v = row[column];
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw corrupt(row, column, 'a non-negative integer');
  return BigInt(v);
}

export function textArray(row: PgRow, column: string): string[] {
  const v = row[column];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw corrupt(row, column, 'text[]');
  return v;
}

/** A JSONB value as parsed by the driver; the store that wrote it gives it its type. */
export function json(row: PgRow, column: string): unknown {
  const v = row[column];
  if (v === undefined) throw corrupt(row, column, 'jsonb');
  return v;
}
