// Concurrent writes of one metadata record through two nodes (issue 20): A and B rename the same
// guild (and the same role) at the same moment, many times. Their commits and their stateChange
// messages can reach PostgreSQL and the bus in opposite orders; without the re-read of contested
// records (StateReplicator) every node's memory would then end on the value the database does not
// hold. After each round every node's GET must equal the database's row.
import { ConcordApi } from '@concord/client';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropClusterData } from '../../src/bus/dropClusterData.ts';
import type { PostgresDatabase } from '../../src/store/postgres/PostgresDatabase.ts';
import { PostgresMetadataStore } from '../../src/store/postgres/PostgresMetadataStore.ts';
import { adminQuery, dropSchema, freshSchemaName, openTestDatabase, TEST_DATABASE_URL } from '../../src/store/postgres/postgresStoreHarness.ts';
import { clusterName, makeDataDir, startNode, type ClusterNodeProcess, type ClusterSpec } from './clusterNodes.ts';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ROUNDS = 40;

async function ok(node: ClusterNodeProcess, method: string, path: string, auth: string, body?: unknown): Promise<any> {
  const res = await fetch(`${node.url}/api/v10${path}`, {
    method,
    headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} on ${node.name}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

describe.each(['nats', 'redis'] as const)('two nodes writing one record at once end every node on the database\'s row, on %s', (bus) => {
  const schema = freshSchemaName();
  const cluster = clusterName();
  const dataDir = makeDataDir();
  const nodes: ClusterNodeProcess[] = [];
  let a: ClusterNodeProcess, b: ClusterNodeProcess;
  let token: string;
  let guildId: string, roleId: string;
  let db: PostgresDatabase;
  let rows: PostgresMetadataStore;

  /** Polls (up to `timeoutMs`) until every node answers `read` with `expected`, asserts it, and returns how long it took (ms). */
  async function allEqual(read: (n: ClusterNodeProcess) => Promise<string>, expected: string, timeoutMs = 5_000): Promise<number> {
    const start = performance.now();
    for (;;) {
      const seen = await Promise.all(nodes.map(read));
      if (seen.every((v) => v === expected) || performance.now() - start > timeoutMs) {
        expect(seen, 'A, B and C against the database').toEqual(nodes.map(() => expected));
        return performance.now() - start;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    await adminQuery('SELECT 1'); // fails (never skips) when PostgreSQL is not there
    const spec: ClusterSpec = {
      bus,
      env: { METADATA_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '4', DATA_DIR: dataDir, CLUSTER_NAME: cluster, NATS_URL, REDIS_URL },
    };
    for (const name of ['A', 'B', 'C']) nodes.push(await startNode(name, spec));
    [a, b] = nodes as [ClusterNodeProcess, ClusterNodeProcess, ClusterNodeProcess];
    db = await openTestDatabase(schema);
    rows = new PostgresMetadataStore(db);
    token = (await new ConcordApi({ baseUrl: `${a.url}/api/v9` }).register({ username: `owner_${bus}_${process.pid}`, password: 'correct horse battery' })).token;
    guildId = (await ok(a, 'POST', '/guilds', token, { name: 'race' })).id;
    roleId = (await ok(a, 'POST', `/guilds/${guildId}/roles`, token, { name: 'racer' })).id;
    await allEqual(async (n) => ((await ok(n, 'GET', `/guilds/${guildId}/roles`, token)) as { id: string }[]).some((r) => r.id === roleId) ? 'yes' : 'no', 'yes');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db.close();
    await dropSchema(schema);
    await dropClusterData(cluster, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(`${ROUNDS} rounds of PATCH /guilds/:id through A and B at once: every node's GET equals the database's name after each`, async () => {
    const winners = { A: 0, B: 0 };
    let slowestMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([ok(a, 'PATCH', `/guilds/${guildId}`, token, { name: `A${round}` }), ok(b, 'PATCH', `/guilds/${guildId}`, token, { name: `B${round}` })]);
      const inDb = (await rows.getGuild(guildId))!.name;
      winners[inDb.startsWith('A') ? 'A' : 'B']++;
      slowestMs = Math.max(slowestMs, await allEqual(async (n) => (await ok(n, 'GET', `/guilds/${guildId}`, token)).name, inDb));
    }
    console.log(`[state race on ${bus}] guild: database kept A ${winners.A} / B ${winners.B} times; slowest round until A, B and C equal the row: ${slowestMs.toFixed(0)} ms`);
  }, 180_000);

  it(`${ROUNDS} rounds of PATCH /guilds/:id/roles/:id through A and B at once: every node's role equals the database's row after each`, async () => {
    let slowestMs = 0;
    const roleName = async (n: ClusterNodeProcess) => ((await ok(n, 'GET', `/guilds/${guildId}/roles`, token)) as { id: string; name: string; color: number }[]).filter((r) => r.id === roleId).map((r) => `${r.name}/${r.color}`)[0] ?? 'none';
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([
        ok(a, 'PATCH', `/guilds/${guildId}/roles/${roleId}`, token, { name: `A${round}`, color: round }),
        ok(b, 'PATCH', `/guilds/${guildId}/roles/${roleId}`, token, { name: `B${round}`, color: 1000 + round }),
      ]);
      const row = (await rows.getRole(guildId, roleId))!;
      slowestMs = Math.max(slowestMs, await allEqual(roleName, `${row.name}/${row.color}`));
    }
    console.log(`[state race on ${bus}] role: slowest round until A, B and C equal the row: ${slowestMs.toFixed(0)} ms`);
  }, 180_000);
});
