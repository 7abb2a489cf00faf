// The PostgreSQL side of the metadata stores: one pg.Pool per process, the schema brought up to date
// at start. Migrations are an ordered list recorded in schema_migrations; they run in one transaction
// under an advisory lock, so nodes starting together wait for each other instead of racing.
import crypto from 'node:crypto';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgresMigrations.ts';

/** A result row by column name; the pg driver decides the JS types (int8 and numeric arrive as strings). */
export type PgRow = Record<string, unknown>;

/** What a query runs on: the pool itself, or one client inside a transaction. */
export interface PgQueryable {
  query(text: string, values?: readonly unknown[]): Promise<PgRow[]>;
  /** Rows changed by an INSERT/UPDATE/DELETE. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
  /** Several statements without parameters (a migration), sent as one simple-protocol query. */
  script(text: string): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Schema the tables live in (created when missing); null: the server's default search_path (public). */
  schema: string | null;
  /** Errors of idle pooled connections (a restarted server, a dropped link): the pool replaces them. */
  onIdleError: (error: Error) => void;
}

/** Schema names are put into SQL text, so only plain lowercase identifiers are taken. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL with its password replaced, for error messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/**
 * Statements are sent as named prepared statements (parsed once per connection): the name is a
 * digest of the text, so one text always has one name.
 */
function named(text: string, values: readonly unknown[] | undefined): pg.QueryConfig {
  return { name: `c_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values: values ? [...values] : [] };
}

function queryable(client: pg.Pool | pg.PoolClient): PgQueryable {
  return {
    async query(text, values) {
      const r = await client.query<PgRow>(named(text, values));
      return r.rows;
    },
    async execute(text, values) {
      const r = await client.query(named(text, values));
      return r.rowCount ?? 0;
    },
    async script(text) {
      await client.query(text);
    },
  };
}

export class PostgresDatabase implements PgQueryable {
  private readonly direct: PgQueryable;

  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string | null,
  ) {
    this.direct = queryable(pool);
  }

  /** Connects, creates the schema and runs pending migrations; fails with a message that says what to fix. */
  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    if (options.schema !== null && !SCHEMA_NAME.test(options.schema)) throw new Error(`DATABASE_SCHEMA "${options.schema}" is not a plain lowercase identifier`);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: 10_000,
      ...(options.schema === null ? {} : { options: `-c search_path=${options.schema}` }),
    });
    pool.on('error', options.onIdleError);
    const db = new PostgresDatabase(pool, options.schema);
    try {
      await db.migrate();
    } catch (e) {
      await pool.end();
      const reason = e instanceof Error ? e.message : String(e);
      throw new Error(`PostgreSQL at ${redactDatabaseUrl(options.url)}: ${reason}. Start PostgreSQL, or fix DATABASE_URL / DATABASE_SCHEMA.`, { cause: e });
    }
    return db;
  }

  query(text: string, values?: readonly unknown[]): Promise<PgRow[]> {
    return this.direct.query(text, values);
  }

  execute(text: string, values?: readonly unknown[]): Promise<number> {
    return this.direct.execute(text, values);
  }

  script(text: string): Promise<void> {
    return this.direct.script(text);
  }

  /**
   * Runs `body` in one transaction on one pooled connection; committed (durable: synchronous_commit
   * stays on) before the promise resolves, rolled back when `body` throws.
   */
  async transaction<T>(body: (tx: PgQueryable) => Promise<T>, mode = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(mode);
      const result = await body(queryable(client));
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (e) {
      // A failed ROLLBACK means the connection is broken: release it as such so the pool drops it.
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackError) {
        client.release(rollbackError instanceof Error ? rollbackError : true);
      }
      throw e;
    }
  }

  /** Applies the migrations not yet recorded in schema_migrations, in order, all in one transaction. */
  async migrate(): Promise<number> {
    return this.transaction(async (tx) => {
      // One lock per schema: nodes starting together on one schema queue here; other schemas don't wait.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`concord.migrations:${this.schema ?? 'default'}`]);
      if (this.schema !== null) await tx.execute(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await tx.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const applied = new Set((await tx.query('SELECT version FROM schema_migrations')).map((r) => Number(r['version'])));
      let ran = 0;
      for (const [i, m] of POSTGRES_MIGRATIONS.entries()) {
        const version = i + 1;
        if (applied.has(version)) continue;
        await tx.script(m.sql);
        await tx.execute('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, m.name]);
        ran++;
      }
      return ran;
    });
  }

  /** Ends every pooled connection (waits for queries in flight). */
  async close(): Promise<void> {
    await this.pool.end();
  }
}
