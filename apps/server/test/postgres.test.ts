// The real server with METADATA_STORE=postgres on a fresh schema: a short chat scenario, the rows
// checked in PostgreSQL itself (not the SQLite file), then a restart that must bring all of it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, adminQuery, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../src/store/postgres/postgresStoreHarness.ts';
import { registerUser, startTestServer, type TestServer } from './harness.ts';

const schema = freshSchemaName();
let t: TestServer;

beforeAll(async () => {
  // Fails (never skips) with what to do when PostgreSQL is not there.
  await adminQuery('SELECT 1');
  t = await startTestServer({ METADATA_STORE: 'postgres', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '4', VOICE: 'off' });
});

afterAll(async () => {
  await t.close();
  await dropSchema(schema);
});

describe('server on PostgreSQL metadata', () => {
  it('keeps users, a guild, a channel, roles, members, an invite and messages across a restart', async () => {
    const alice = await registerUser(t, `pg_alice_${process.pid}`);
    const bob = await registerUser(t, `pg_bob_${process.pid}`);
    const guild = await alice.api.createGuild({ name: 'On Postgres' });
    const channel = await alice.api.createChannel(guild.id, { name: 'durable', topic: 'kept in PostgreSQL' });
    // ADMINISTRATOR | USE_EXTERNAL_APPS (bit 50): above 2^32 and 2^50.
    const role = await alice.api.createRole(guild.id, { name: 'mods', permissions: String((1n << 3n) | (1n << 50n)) });
    const invite = await alice.api.createInvite(channel.id, { max_uses: 5 });
    await bob.api.acceptInvite(invite.code);
    await alice.api.addMemberRole(guild.id, bob.id, role.id);
    const sent = await bob.api.sendMessage(channel.id, 'hello from bob');

    // The records are in PostgreSQL's schema.
    const db = await openTestDatabase(schema);
    try {
      expect((await db.query('SELECT username FROM users ORDER BY username')).map((r) => r['username'])).toEqual([`pg_alice_${process.pid}`, `pg_bob_${process.pid}`]);
      expect(await db.query('SELECT roles FROM members WHERE guild_id = $1 AND user_id = $2', [guild.id, bob.id])).toEqual([{ roles: [role.id] }]);
      expect(await db.query('SELECT uses FROM invites WHERE code = $1', [invite.code])).toEqual([{ uses: 1 }]);
    } finally {
      await db.close();
    }

    await t.restart();
    // A login reads the user from PostgreSQL (findUserByLogin), then everything else must be back.
    const { token } = await t.api().login({ login: `pg_alice_${process.pid}`, password: 'correct horse battery' });
    const again = t.api(token);
    expect((await again.getGuild(guild.id)).name).toBe('On Postgres');
    expect((await again.getChannels(guild.id)).find((c) => c.id === channel.id)).toMatchObject({ name: 'durable', topic: 'kept in PostgreSQL' });
    expect((await again.getRoles(guild.id)).find((r) => r.id === role.id)).toMatchObject({ name: 'mods', permissions: String((1n << 3n) | (1n << 50n)) });
    expect((await again.getMember(guild.id, bob.id)).roles).toEqual([role.id]);
    expect((await again.getGuildInvites(guild.id)).map((i) => [i.code, i.uses])).toEqual([[invite.code, 1]]);
    expect((await again.getMessages(channel.id)).map((m) => [m.id, m.content])).toEqual([[sent.id, 'hello from bob']]);
  });
});
