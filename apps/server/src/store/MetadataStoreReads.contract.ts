// The MetadataStore contract for reads by id (see MetadataStore.contract.ts for the rest): each
// record as last committed, null when there is none. StateReplicator re-reads a record two cluster
// nodes wrote at once through these, so a read must see every write whose promise has resolved.
import { describe, expect, it } from 'vitest';
import { PermissionFlags } from '@concord/protocol';
import { ALICE, BOB, channel, GUILD, guild, member, OWNER, role, T0, user } from './MetadataStore.contract.ts';
import type { MetadataStore } from './MetadataStore.ts';
import type { RelationshipRecord } from './records.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

const TEXT = '400000000000000001';
const VOICE = '400000000000000002';
const MODS = '310000000000000001';
const UNKNOWN = '999999999999999999';

async function seed(store: MetadataStore) {
  const everyone = role(GUILD, GUILD);
  const mods = role(MODS, GUILD, { position: 1, permissions: PermissionFlags.MANAGE_MESSAGES | (1n << 50n), color: 0x3498db, unicode_emoji: '🛡️' });
  const text = channel(TEXT, GUILD, { topic: 'hello', overwrites: [{ id: MODS, type: 0, allow: PermissionFlags.MANAGE_MESSAGES, deny: 1n << 40n }], last_message_id: '500000000000000001' });
  const voice = channel(VOICE, GUILD, { type: 2, bitrate: 64000, user_limit: 10, position: 1 });
  const owner = member(GUILD, OWNER);
  await store.insertUser(user(OWNER));
  await store.insertUser(user(ALICE, { global_name: 'Alice', email: 'alice@example.com', accent_color: 0xff00ff, bio: 'hi' }));
  await store.insertUser(user(BOB, { bot: true }));
  await store.createGuild(guild(GUILD, { description: 'read me', system_channel_id: TEXT }), [everyone, mods], [text, voice], owner);
  const alice = member(GUILD, ALICE, { nick: 'al', roles: [MODS], communication_disabled_until: T0 + 60_000 });
  await store.upsertMember(alice);
  await store.putBan({ guild_id: GUILD, user_id: BOB, reason: 'spam' });
  const friends: RelationshipRecord[] = [
    { user_id: OWNER, target_id: ALICE, type: 1, nickname: 'A', since: T0 },
    { user_id: ALICE, target_id: OWNER, type: 1, nickname: null, since: T0 },
  ];
  await store.writeRelationships(friends, []);
  return { everyone, mods, text, voice, owner, alice, friends };
}

export function describeMetadataStoreReads(name: string, open: OpenStoreHarness<MetadataStore>): void {
  const run = (body: (store: MetadataStore, reopen: () => Promise<MetadataStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));

  describe(`MetadataStore contract, reads by id: ${name}`, () => {
    it(
      'reads each record by id field for field as written (bigint permissions and overwrites included), also after a reopen',
      run(async (store, reopen) => {
        const s = await seed(store);
        const check = async (st: MetadataStore) => {
          expect(await st.getUser(ALICE)).toEqual(user(ALICE, { global_name: 'Alice', email: 'alice@example.com', accent_color: 0xff00ff, bio: 'hi' }));
          expect(await st.getUser(BOB)).toEqual(user(BOB, { bot: true }));
          expect(await st.getGuild(GUILD)).toEqual(guild(GUILD, { description: 'read me', system_channel_id: TEXT }));
          expect(await st.getRole(GUILD, MODS)).toEqual(s.mods);
          expect(await st.getRole(GUILD, GUILD)).toEqual(s.everyone);
          expect(await st.getChannel(TEXT)).toEqual(s.text);
          expect(await st.getChannel(VOICE)).toEqual(s.voice);
          expect(await st.getMember(GUILD, ALICE)).toEqual(s.alice);
          expect(await st.getMember(GUILD, OWNER)).toEqual(s.owner);
          expect(await st.getBan(GUILD, BOB)).toEqual({ guild_id: GUILD, user_id: BOB, reason: 'spam' });
          expect(await st.getRelationship(OWNER, ALICE)).toEqual(s.friends[0]);
          expect(await st.getRelationship(ALICE, OWNER)).toEqual(s.friends[1]);
        };
        await check(store);
        await check(await reopen());
      }),
    );

    it(
      'answers null for ids it does not hold, and for a role or member asked of another guild',
      run(async (store) => {
        await seed(store);
        expect(await store.getUser(UNKNOWN)).toBeNull();
        expect(await store.getGuild(UNKNOWN)).toBeNull();
        expect(await store.getRole(GUILD, UNKNOWN)).toBeNull();
        expect(await store.getRole(UNKNOWN, MODS)).toBeNull();
        expect(await store.getChannel(UNKNOWN)).toBeNull();
        expect(await store.getMember(UNKNOWN, ALICE)).toBeNull();
        expect(await store.getMember(GUILD, BOB)).toBeNull();
        expect(await store.getBan(GUILD, ALICE)).toBeNull();
        expect(await store.getRelationship(OWNER, BOB)).toBeNull();
      }),
    );

    it(
      'reads the last committed version, and null once a record is deleted (a guild takes its roles, channels, members and bans)',
      run(async (store) => {
        const s = await seed(store);
        const renamed = guild(GUILD, { name: 'renamed', description: null, afk_timeout: 60 });
        await store.updateGuild(renamed);
        expect(await store.getGuild(GUILD)).toEqual(renamed);
        const recolored = { ...s.mods, color: 0xe74c3c, permissions: PermissionFlags.ADMINISTRATOR };
        await store.upsertRoles([recolored]);
        expect(await store.getRole(GUILD, MODS)).toEqual(recolored);
        const retitled = { ...s.text, name: 'general-2', topic: null, overwrites: [] };
        await store.upsertChannels([retitled]);
        expect(await store.getChannel(TEXT)).toEqual(retitled);
        await store.updateUser(user(ALICE, { username: 'alice2', bio: '' }));
        expect((await store.getUser(ALICE))?.username).toBe('alice2');

        await store.deleteRole(GUILD, MODS);
        expect(await store.getRole(GUILD, MODS)).toBeNull();
        await store.deleteChannel(VOICE);
        expect(await store.getChannel(VOICE)).toBeNull();
        await store.deleteMember(GUILD, ALICE);
        expect(await store.getMember(GUILD, ALICE)).toBeNull();
        await store.deleteBan(GUILD, BOB);
        expect(await store.getBan(GUILD, BOB)).toBeNull();
        await store.writeRelationships([{ ...s.friends[0]!, type: 2, nickname: null }], [{ user_id: ALICE, target_id: OWNER }]);
        expect(await store.getRelationship(OWNER, ALICE)).toEqual({ ...s.friends[0], type: 2, nickname: null });
        expect(await store.getRelationship(ALICE, OWNER)).toBeNull();

        await store.putBan({ guild_id: GUILD, user_id: BOB, reason: null });
        await store.deleteGuild(GUILD);
        expect(await store.getGuild(GUILD)).toBeNull();
        expect(await store.getRole(GUILD, GUILD)).toBeNull();
        expect(await store.getChannel(TEXT)).toBeNull();
        expect(await store.getMember(GUILD, OWNER)).toBeNull();
        expect(await store.getBan(GUILD, BOB)).toBeNull();
        expect(await store.getUser(OWNER)).toEqual(user(OWNER));
      }),
    );
  });
}
