// Test support: a PostgreSQL store on a fresh schema for the store contract suites. Each harness
// creates its own schema (concord_test_<pid>_<n>), so test files running in parallel never see each
// other's rows; `reopen` ends the pool and opens a new one on the same schema, as a restarted server
// would; `dispose` drops the schema. Not used by the server.
import crypto from 'node:crypto';
import pg from 'pg';
import type { OpenStoreHarness, StoreHarness } from '../StoreHarness.ts';
import { PostgresDatabase, redactDatabaseUrl } from './PostgresDatabase.ts';

/** Where the suites run: DATABASE_URL, else the local server CI and this machine have. */
export const TEST_DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let schemaCounter = 0;

/** A schema name no other test process or file will pick. */
export function freshSchemaName(): string {
  return `concord_test_${process.pid}_${++schemaCounter}_${crypto.randomBytes(3).toString('hex')}`;
}

/** Runs one statement on a short-lived connection; an unreachable server fails with what to do (never a skip). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(
      `PostgreSQL is not reachable at ${redactDatabaseUrl(TEST_DATABASE_URL)} (${reason}). The PostgreSQL store tests need it: start PostgreSQL or set DATABASE_URL.`,
      { cause: e },
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function dropSchema(schema: string): Promise<void> {
  return adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

export function openTestDatabase(schema: string): Promise<PostgresDatabase> {
  return PostgresDatabase.open({
    url: TEST_DATABASE_URL,
    poolSize: 4,
    schema,
    onIdleError: (e) => {
      throw e;
    },
  });
}

/** `seed` runs once on the new schema before the first store is made (e.g. rows another store owns). */
export function postgresStoreHarness<Store>(makeStore: (db: PostgresDatabase) => Store, seed?: (db: PostgresDatabase) => Promise<void>): OpenStoreHarness<Store> {
  return async () => {
    const schema = freshSchemaName();
    await adminQuery('SELECT 1');
    let db = await openTestDatabase(schema);
    let closed = false;
    try {
      await seed?.(db);
    } catch (e) {
      await db.close();
      await dropSchema(schema);
      throw e;
    }
    let store = makeStore(db);
    const harness: StoreHarness<Store> = {
      get store() {
        return store;
      },
      async reopen() {
        await db.close();
        db = await openTestDatabase(schema);
        store = makeStore(db);
        return store;
      },
      async dispose() {
        if (!closed) {
          closed = true;
          await db.close();
        }
        await dropSchema(schema);
      },
    };
    return harness;
  };
}
