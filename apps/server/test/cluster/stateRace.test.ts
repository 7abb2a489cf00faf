// Concurrent writes of one metadata record through two nodes (issue 20): A and B rename the same
// guild (and the same role) at the same moment, many times. Their commits and their stateChange
// messages can reach PostgreSQL and the bus in opposite orders; without the re-read of contested
// records (StateReplicator) every node's memory would then end on the value the database does not
// hold. After each round every node's GET must equal the database's row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../src/store/postgres/PostgresDatabase.ts';
import { PostgresMetadataStore } from '../../src/store/postgres/PostgresMetadataStore.ts';
import { openTestDatabase } from '../../src/store/postgres/postgresStoreHarness.ts';
import { ok, testCluster, type ClusterNodeProcess } from './clusterNodes.ts';

const ROUNDS = 40;

describe.each(['nats', 'redis'] as const)('two nodes writing one record at once end every node on the database\'s row, on %s', (bus) => {
  const cluster = testCluster(bus);
  const nodes = cluster.nodes;
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
    [a, b] = await cluster.startAll('A', 'B', 'C');
    db = await openTestDatabase(cluster.schema);
    rows = new PostgresMetadataStore(db);
    token = (await cluster.register(a, 'owner')).token;
    guildId = (await ok(a, 'POST', '/guilds', token, { name: 'race' })).id;
    roleId = (await ok(a, 'POST', `/guilds/${guildId}/roles`, token, { name: 'racer' })).id;
    await allEqual(async (n) => ((await ok(n, 'GET', `/guilds/${guildId}/roles`, token)) as { id: string }[]).some((r) => r.id === roleId) ? 'yes' : 'no', 'yes');
  }, 180_000);

  afterAll(async () => {
    await db.close();
    await cluster.teardown();
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
