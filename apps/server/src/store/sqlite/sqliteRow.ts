// What a better-sqlite3 result row holds, and the column readers the SQLite stores share. The
// stores' schemas say which column holds what; these types only say what SQLite can hand back.

/** One column's value: TEXT, INTEGER or REAL, INTEGER read as bigint (safeIntegers), BLOB, NULL. */
export type SqlValue = string | number | bigint | Buffer | null;

/** One result row by column name (a name the query did not select reads undefined). */
export type Row = Record<string, SqlValue>;

/** A nullable TEXT (or id) column as a string or null. */
export const strOrNull = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
