// Migrations on a real PostgreSQL: several nodes starting at once on one empty schema, a restart
// with nothing to do, a failing statement rolled back, and an unreachable server named in the error.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDatabase } from './PostgresDatabase.ts';
import { POSTGRES_MIGRATIONS } from './postgresMigrations.ts';
import { adminQuery, dropSchema, freshSchemaName, openTestDatabase, TEST_DATABASE_URL } from './postgresStoreHarness.ts';

const schemas: string[] = [];
const newSchema = () => {
  const s = freshSchemaName();
  schemas.push(s);
  return s;
};

afterEach(async () => {
  for (const s of schemas.splice(0)) await dropSchema(s);
});

describe('PostgresDatabase', () => {
  it('runs each migration once when five nodes start together on an empty schema', async () => {
    await adminQuery('SELECT 1');
    const schema = newSchema();
    const dbs = await Promise.all(Array.from({ length: 5 }, () => openTestDatabase(schema)));
    try {
      const rows = await dbs[0]!.query('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows).toEqual(POSTGRES_MIGRATIONS.map((m, i) => ({ version: i + 1, name: m.name })));
      const tables = await dbs[1]!.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
      // Every table of every migration, plus schema_migrations.
      const created = POSTGRES_MIGRATIONS.reduce((n, m) => n + (m.sql.match(/CREATE TABLE/g) ?? []).length, 0);
      expect(tables[0]?.['n']).toBe(created + 1);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });

  it('has nothing to run on a restart', async () => {
    const schema = newSchema();
    const first = await openTestDatabase(schema);
    await first.close();
    const again = await openTestDatabase(schema);
    try {
      expect(await again.migrate()).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('rolls a failed transaction back whole', async () => {
    const schema = newSchema();
    const db = await openTestDatabase(schema);
    try {
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(`INSERT INTO users (id, username, created_at) VALUES ('1', 'alice', 0)`);
          await tx.execute(`INSERT INTO users (id, username, created_at) VALUES ('1', 'again', 0)`);
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await db.query('SELECT id FROM users')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses to start on an unreachable server with the address and what to do', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.port = '1';
    url.password = 'secret-password';
    const opening = PostgresDatabase.open({ url: url.toString(), poolSize: 1, schema: null, onIdleError: () => undefined });
    await expect(opening).rejects.toThrow(/PostgreSQL at postgres:\/\/.*:1\/.*Start PostgreSQL, or fix DATABASE_URL/);
    await expect(opening).rejects.not.toThrow(/secret-password/);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(PostgresDatabase.open({ url: TEST_DATABASE_URL, poolSize: 1, schema: 'x; DROP TABLE users', onIdleError: () => undefined })).rejects.toThrow(/DATABASE_SCHEMA/);
  });
});
