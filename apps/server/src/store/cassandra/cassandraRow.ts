// Reading cassandra-driver rows without `any`: the driver types every cell as `any`; these check
// the one type a column was declared with and fail loudly when the schema and the code disagree.
import type { types } from 'cassandra-driver';

function cell(row: types.Row, column: string): unknown {
  const value: unknown = row.get(column);
  return value;
}

/** A bigint column (client created with useBigIntAsLong) as decimal text: snowflakes exceed 2^53. */
export function bigintText(row: types.Row, column: string): string {
  const v = cell(row, column);
  if (typeof v !== 'bigint') throw new Error(`cassandra column ${column}: expected bigint, got ${typeof v}`);
  return v.toString();
}

export function bigintNumber(row: types.Row, column: string): number {
  const v = cell(row, column);
  if (typeof v !== 'bigint') throw new Error(`cassandra column ${column}: expected bigint, got ${typeof v}`);
  return Number(v);
}

export function int(row: types.Row, column: string): number {
  const v = cell(row, column);
  if (typeof v !== 'number') throw new Error(`cassandra column ${column}: expected int, got ${typeof v}`);
  return v;
}

export function text(row: types.Row, column: string): string {
  const v = cell(row, column);
  if (typeof v !== 'string') throw new Error(`cassandra column ${column}: expected text, got ${typeof v}`);
  return v;
}

export function textOrNull(row: types.Row, column: string): string | null {
  const v = cell(row, column);
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new Error(`cassandra column ${column}: expected text, got ${typeof v}`);
  return v;
}
