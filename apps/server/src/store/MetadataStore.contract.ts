// The contract every MetadataStore adapter must meet (SQLite today, PostgreSQL next): users,
// tokens, guilds, roles, channels, members, bans, invites, read states, follows and relationships.
// Written against the port only; each adapter's test file runs it with a harness for fresh storage.
// The record builders are exported for the other MetadataStore contract files (reads by id).
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, PermissionFlags } from '@concord/protocol';
import type { MetadataSnapshot, MetadataStore } from './MetadataStore.ts';
import type {
  BanRecord,
  ChannelRecord,
  GuildRecord,
  InviteRecord,
  MemberRecord,
  ReadStateRecord,
  RelationshipRecord,
  RoleRecord,
  UserRecord,
} from './records.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

export const GUILD = '300000000000000001';
const OTHER_GUILD = '300000000000000002';
export const OWNER = '100000000000000001';
export const ALICE = '100000000000000002';
export const BOB = '100000000000000003';
export const T0 = Date.UTC(2024, 4, 14, 18, 32, 11);

export function user(id: string, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    username: `user${id.slice(-3)}`,
    discriminator: '0',
    global_name: null,
    avatar: null,
    email: null,
    password_hash: null,
    bot: false,
    flags: 0,
    bio: '',
    accent_color: null,
    created_at: T0,
    ...extra,
  };
}

export function guild(id: string, extra: Partial<GuildRecord> = {}): GuildRecord {
  return {
    id,
    name: `guild ${id.slice(-3)}`,
    icon: null,
    description: null,
    owner_id: OWNER,
    system_channel_id: null,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    preferred_locale: 'en-US',
    created_at: T0,
    ...extra,
  };
}

export function role(id: string, guildId: string, extra: Partial<RoleRecord> = {}): RoleRecord {
  return {
    id,
    guild_id: guildId,
    name: id === guildId ? '@everyone' : `role ${id.slice(-3)}`,
    color: 0,
    hoist: false,
    position: 0,
    permissions: PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES,
    managed: false,
    mentionable: false,
    icon: null,
    unicode_emoji: null,
    bot_id: null,
    ...extra,
  };
}

export function channel(id: string, guildId: string | null, extra: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name: guildId === null ? null : `channel-${id.slice(-3)}`,
    topic: null,
    position: 0,
    parent_id: null,
    nsfw: false,
    rate_limit_per_user: 0,
    bitrate: null,
    user_limit: null,
    last_message_id: null,
    last_pin_timestamp: null,
    owner_id: null,
    icon: null,
    overwrites: [],
    recipients: [],
    ...extra,
  };
}

export function member(guildId: string, userId: string, extra: Partial<MemberRecord> = {}): MemberRecord {
  return {
    guild_id: guildId,
    user_id: userId,
    nick: null,
    avatar: null,
    joined_at: T0,
    deaf: false,
    mute: false,
    communication_disabled_until: null,
    flags: 0,
    roles: [],
    ...extra,
  };
}

function invite(code: string, extra: Partial<InviteRecord> = {}): InviteRecord {
  return {
    code,
    guild_id: GUILD,
    channel_id: '400000000000000001',
    inviter_id: OWNER,
    max_age: 0,
    max_uses: 0,
    uses: 0,
    temporary: false,
    created_at: T0,
    ...extra,
  };
}

/** A guild as createGuild takes it: @everyone plus one role, a text and a voice channel, the owner. */
function guildWithParts(guildId: string, channelIds: [string, string]): { guild: GuildRecord; roles: [RoleRecord, RoleRecord]; channels: [ChannelRecord, ChannelRecord]; owner: MemberRecord } {
  return {
    guild: guild(guildId),
    roles: [role(guildId, guildId), role(`31${guildId.slice(2)}`, guildId, { position: 1, permissions: PermissionFlags.MANAGE_MESSAGES })],
    channels: [channel(channelIds[0], guildId), channel(channelIds[1], guildId, { type: 2, bitrate: 64000, user_limit: 10, position: 1 })],
    owner: member(guildId, OWNER),
  };
}

// Snapshots come in no particular order: compare sorted.
const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
const sortedById = <T extends { id: string }>(xs: readonly T[]) => [...xs].sort(byKey((x) => x.id));
const sortedMembers = (xs: readonly MemberRecord[]) => [...xs].sort(byKey((m) => `${m.guild_id}/${m.user_id}`));
const sortedPairs = <T extends { user_id: string }>(xs: readonly T[], other: (x: T) => string) => [...xs].sort(byKey((x) => `${x.user_id}/${other(x)}`));
const sortedReadStates = (xs: readonly ReadStateRecord[]) => [...xs].sort(byKey((r) => r.channel_id));

export function describeMetadataStore(name: string, open: OpenStoreHarness<MetadataStore>): void {
  const run = (body: (store: MetadataStore, reopen: () => Promise<MetadataStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));

  describe(`MetadataStore contract: ${name}`, () => {
    it(
      'starts with an empty snapshot',
      run(async (store) => {
        const empty: MetadataSnapshot = { users: [], guilds: [], roles: [], channels: [], members: [], bans: [], follows: [], relationships: [] };
        expect(await store.loadSnapshot()).toEqual(empty);
      }),
    );

    describe('users', () => {
      it(
        'returns an inserted user field for field in the snapshot',
        run(async (store) => {
          const u = user(ALICE, { global_name: 'Alice', avatar: 'a1b2', email: 'alice@example.com', password_hash: '$argon2id$x', flags: 64, bio: 'hi', accent_color: 0xff00ff });
          const bot = user(BOB, { bot: true, discriminator: '1234' });
          await store.insertUser(u);
          await store.insertUser(bot);
          expect(sortedById((await store.loadSnapshot()).users)).toEqual([u, bot]);
        }),
      );

      it(
        'finds a human user by username or by email, ignoring case',
        run(async (store) => {
          const u = user(ALICE, { username: 'Alice', email: 'Alice@Example.com' });
          await store.insertUser(u);
          await store.insertUser(user(BOB, { username: 'bob' }));
          expect(await store.findUserByLogin('alice')).toEqual(u);
          expect(await store.findUserByLogin('ALICE')).toEqual(u);
          expect(await store.findUserByLogin('alice@example.COM')).toEqual(u);
          expect((await store.findUserByLogin('bob'))?.id).toBe(BOB);
        }),
      );

      it(
        'returns null for an unknown login',
        run(async (store) => {
          await store.insertUser(user(ALICE, { username: 'alice', email: 'alice@example.com' }));
          expect(await store.findUserByLogin('alicia')).toBeNull();
          expect(await store.findUserByLogin('')).toBeNull();
        }),
      );

      it(
        'does not find a bot user by login',
        run(async (store) => {
          await store.insertUser(user(BOB, { username: 'helperbot', bot: true }));
          expect(await store.findUserByLogin('helperbot')).toBeNull();
        }),
      );

      it(
        'refuses a second human user whose username differs only in case',
        run(async (store) => {
          await store.insertUser(user(ALICE, { username: 'alice' }));
          await expect(store.insertUser(user(BOB, { username: 'ALICE' }))).rejects.toThrow();
          expect((await store.loadSnapshot()).users.map((u) => u.id)).toEqual([ALICE]);
        }),
      );

      it(
        'lets bots share a username with each other and with a human',
        run(async (store) => {
          await store.insertUser(user(ALICE, { username: 'helper' }));
          await store.insertUser(user(BOB, { username: 'helper', bot: true }));
          await store.insertUser(user(OWNER, { username: 'helper', bot: true }));
          expect((await store.loadSnapshot()).users).toHaveLength(3);
        }),
      );

      it(
        'refuses a second user whose email differs only in case',
        run(async (store) => {
          await store.insertUser(user(ALICE, { email: 'same@example.com' }));
          await expect(store.insertUser(user(BOB, { email: 'SAME@example.com' }))).rejects.toThrow();
        }),
      );

      it(
        'updates the profile, credentials and flags of a user',
        run(async (store) => {
          const u = user(ALICE, { username: 'alice', email: 'old@example.com', password_hash: 'old' });
          await store.insertUser(u);
          const changed: UserRecord = { ...u, username: 'alicia', global_name: 'Alicia', avatar: 'ffee', email: 'new@example.com', password_hash: 'new', flags: 1 << 22, bio: 'new bio', accent_color: 1234 };
          await store.updateUser(changed);
          expect((await store.loadSnapshot()).users).toEqual([changed]);
          expect(await store.findUserByLogin('alice')).toBeNull();
          expect(await store.findUserByLogin('new@example.com')).toEqual(changed);
        }),
      );
    });

    describe('tokens', () => {
      it(
        'resolves a token hash to its user id',
        run(async (store) => {
          await store.insertToken('hash-a', ALICE, T0);
          await store.insertToken('hash-b', BOB, T0);
          expect(await store.findUserIdByToken('hash-a')).toBe(ALICE);
          expect(await store.findUserIdByToken('hash-b')).toBe(BOB);
        }),
      );

      it(
        'returns null for an unknown token',
        run(async (store) => {
          await store.insertToken('hash-a', ALICE, T0);
          expect(await store.findUserIdByToken('hash-x')).toBeNull();
          expect(await store.findUserIdByToken('HASH-A')).toBeNull();
        }),
      );

      it(
        'forgets a deleted token and keeps the user\'s other tokens',
        run(async (store) => {
          await store.insertToken('hash-1', ALICE, T0);
          await store.insertToken('hash-2', ALICE, T0 + 1);
          await store.deleteToken('hash-1');
          expect(await store.findUserIdByToken('hash-1')).toBeNull();
          expect(await store.findUserIdByToken('hash-2')).toBe(ALICE);
        }),
      );

      it(
        'deletes every token of one user and no one else\'s (log out everywhere)',
        run(async (store) => {
          await store.insertToken('hash-1', ALICE, T0);
          await store.insertToken('hash-2', ALICE, T0);
          await store.insertToken('hash-3', BOB, T0);
          await store.deleteTokensOfUser(ALICE);
          expect(await store.findUserIdByToken('hash-1')).toBeNull();
          expect(await store.findUserIdByToken('hash-2')).toBeNull();
          expect(await store.findUserIdByToken('hash-3')).toBe(BOB);
        }),
      );
    });

    describe('guilds', () => {
      it(
        'creates a guild with its roles, channels and owner member',
        run(async (store) => {
          const g = guildWithParts(GUILD, ['400000000000000001', '400000000000000002']);
          await store.createGuild(g.guild, g.roles, g.channels, g.owner);
          const snap = await store.loadSnapshot();
          expect(snap.guilds).toEqual([g.guild]);
          expect(sortedById(snap.roles)).toEqual(sortedById(g.roles));
          expect(sortedById(snap.channels)).toEqual(sortedById(g.channels));
          expect(snap.members).toEqual([g.owner]);
        }),
      );

      it(
        'updates a guild\'s settings',
        run(async (store) => {
          const g = guildWithParts(GUILD, ['400000000000000001', '400000000000000002']);
          await store.createGuild(g.guild, g.roles, g.channels, g.owner);
          const changed: GuildRecord = { ...g.guild, name: 'renamed', icon: 'beef', description: 'about', owner_id: ALICE, system_channel_id: '400000000000000001', afk_channel_id: '400000000000000002', afk_timeout: 60, verification_level: 2, default_message_notifications: 1, explicit_content_filter: 2, preferred_locale: 'de' };
          await store.updateGuild(changed);
          expect((await store.loadSnapshot()).guilds).toEqual([changed]);
        }),
      );

      it(
        'deletes a guild with its roles, channels, members, bans, invites and read states, and nothing of another guild',
        run(async (store) => {
          const doomed = guildWithParts(GUILD, ['400000000000000001', '400000000000000002']);
          const kept = guildWithParts(OTHER_GUILD, ['400000000000000003', '400000000000000004']);
          for (const g of [doomed, kept]) {
            await store.createGuild(g.guild, g.roles, g.channels, g.owner);
            await store.upsertMember(member(g.guild.id, ALICE));
            await store.putBan({ guild_id: g.guild.id, user_id: BOB, reason: null });
            await store.insertInvite(invite(`inv${g.guild.id.slice(-1)}`, { guild_id: g.guild.id, channel_id: g.channels[0].id }));
            await store.putReadState({ user_id: ALICE, channel_id: g.channels[0].id, last_message_id: '500000000000000001', mention_count: 2 });
          }
          await store.insertUser(user(ALICE));
          await store.deleteGuild(GUILD);

          const snap = await store.loadSnapshot();
          expect(snap.guilds).toEqual([kept.guild]);
          expect(sortedById(snap.roles)).toEqual(sortedById(kept.roles));
          expect(sortedById(snap.channels)).toEqual(sortedById(kept.channels));
          expect(sortedMembers(snap.members)).toEqual(sortedMembers([kept.owner, member(OTHER_GUILD, ALICE)]));
          expect(snap.bans).toEqual([{ guild_id: OTHER_GUILD, user_id: BOB, reason: null }]);
          expect(snap.users.map((u) => u.id)).toEqual([ALICE]);
          expect(await store.findInvite('inv1')).toBeNull();
          expect(await store.findInvite('inv2')).not.toBeNull();
          expect((await store.getReadStates(ALICE)).map((r) => r.channel_id)).toEqual([kept.channels[0].id]);
        }),
      );
    });

    describe('roles', () => {
      it(
        'keeps permission bitfields above 2^32 and 2^53 exact',
        run(async (store) => {
          const roles = [
            role(GUILD, GUILD, { permissions: ALL_PERMISSIONS }),
            role('310000000000000001', GUILD, { permissions: PermissionFlags.USE_EXTERNAL_APPS | PermissionFlags.MODERATE_MEMBERS | 1n }),
            role('310000000000000002', GUILD, { permissions: 0n }),
          ];
          await store.upsertRoles(roles);
          expect(sortedById((await store.loadSnapshot()).roles)).toEqual(sortedById(roles));
        }),
      );

      it(
        'inserts a role, then replaces it by id',
        run(async (store) => {
          const r = role('310000000000000001', GUILD, { name: 'mods', color: 0x00ff00, hoist: true, position: 3, mentionable: true, icon: 'abcd', unicode_emoji: '🛡️', managed: true, bot_id: BOB });
          await store.upsertRole(r);
          expect((await store.loadSnapshot()).roles).toEqual([r]);
          const changed: RoleRecord = { ...r, name: 'moderators', color: 0, hoist: false, position: 1, permissions: PermissionFlags.KICK_MEMBERS, mentionable: false, icon: null, unicode_emoji: null };
          await store.upsertRole(changed);
          expect((await store.loadSnapshot()).roles).toEqual([changed]);
        }),
      );

      it(
        'upserts several roles at once (a reorder)',
        run(async (store) => {
          const a = role('310000000000000001', GUILD, { position: 1 });
          const b = role('310000000000000002', GUILD, { position: 2 });
          await store.upsertRoles([a, b]);
          await store.upsertRoles([{ ...a, position: 2 }, { ...b, position: 1 }]);
          const positions = Object.fromEntries((await store.loadSnapshot()).roles.map((r) => [r.id, r.position]));
          expect(positions).toEqual({ [a.id]: 2, [b.id]: 1 });
        }),
      );

      it(
        'deletes a role only within the guild it is named with',
        run(async (store) => {
          const r = role('310000000000000001', GUILD);
          await store.upsertRole(r);
          await store.deleteRole(OTHER_GUILD, r.id);
          expect((await store.loadSnapshot()).roles).toEqual([r]);
          await store.deleteRole(GUILD, r.id);
          expect((await store.loadSnapshot()).roles).toEqual([]);
        }),
      );
    });

    describe('channels', () => {
      it(
        'returns a guild channel with permission overwrites and a group DM with recipients, field for field',
        run(async (store) => {
          const text = channel('400000000000000001', GUILD, {
            topic: 'rules',
            position: 4,
            parent_id: '400000000000000009',
            nsfw: true,
            rate_limit_per_user: 30,
            last_pin_timestamp: '2024-05-14T18:32:11.000Z',
            overwrites: [
              { id: GUILD, type: 0, allow: 0n, deny: PermissionFlags.SEND_MESSAGES },
              { id: ALICE, type: 1, allow: PermissionFlags.SEND_MESSAGES | PermissionFlags.USE_EXTERNAL_APPS, deny: 0n },
            ],
          });
          const dm = channel('400000000000000002', null, { type: 3, name: 'squad', owner_id: ALICE, icon: 'cafe', recipients: [ALICE, BOB, OWNER] });
          await store.upsertChannel(text);
          await store.upsertChannel(dm);
          expect(sortedById((await store.loadSnapshot()).channels)).toEqual([text, dm]);
        }),
      );

      it(
        'replaces a channel by id, and upserts several at once',
        run(async (store) => {
          const a = channel('400000000000000001', GUILD);
          const b = channel('400000000000000002', GUILD, { position: 1 });
          await store.upsertChannels([a, b]);
          const renamed: ChannelRecord = { ...a, name: 'renamed', topic: 'new', overwrites: [{ id: BOB, type: 1, allow: 0n, deny: PermissionFlags.VIEW_CHANNEL }] };
          await store.upsertChannel(renamed);
          await store.upsertChannels([{ ...b, position: 0 }]);
          expect(sortedById((await store.loadSnapshot()).channels)).toEqual([renamed, { ...b, position: 0 }]);
        }),
      );

      it(
        'sets the last message id of one channel and nothing else',
        run(async (store) => {
          const a = channel('400000000000000001', GUILD, { topic: 'keep me' });
          const b = channel('400000000000000002', GUILD);
          await store.upsertChannels([a, b]);
          await store.setLastMessageId(a.id, '500000000000000007');
          await store.setLastMessageId(a.id, '500000000000000009');
          expect(sortedById((await store.loadSnapshot()).channels)).toEqual([{ ...a, last_message_id: '500000000000000009' }, b]);
        }),
      );

      it(
        'deletes a channel with its invites and read states',
        run(async (store) => {
          const a = channel('400000000000000001', GUILD);
          const b = channel('400000000000000002', GUILD);
          await store.upsertChannels([a, b]);
          await store.insertInvite(invite('ina', { channel_id: a.id }));
          await store.insertInvite(invite('inb', { channel_id: b.id }));
          await store.putReadState({ user_id: ALICE, channel_id: a.id, last_message_id: null, mention_count: 1 });
          await store.putReadState({ user_id: ALICE, channel_id: b.id, last_message_id: null, mention_count: 1 });
          await store.deleteChannel(a.id);
          expect((await store.loadSnapshot()).channels).toEqual([b]);
          expect(await store.findInvite('ina')).toBeNull();
          expect(await store.findInvite('inb')).not.toBeNull();
          expect((await store.getReadStates(ALICE)).map((r) => r.channel_id)).toEqual([b.id]);
        }),
      );
    });

    describe('members', () => {
      it(
        'returns a member field for field, then replaces it per (guild, user)',
        run(async (store) => {
          const m = member(GUILD, ALICE, { nick: 'Ali', avatar: 'f00d', deaf: true, mute: true, communication_disabled_until: T0 + 60_000, flags: 2, roles: ['310000000000000001', '310000000000000002'] });
          await store.upsertMember(m);
          expect((await store.loadSnapshot()).members).toEqual([m]);
          const changed: MemberRecord = { ...m, nick: null, deaf: false, mute: false, communication_disabled_until: null, roles: [] };
          await store.upsertMember(changed);
          expect((await store.loadSnapshot()).members).toEqual([changed]);
        }),
      );

      it(
        'deletes a member of one guild and keeps the same user in another',
        run(async (store) => {
          await store.upsertMember(member(GUILD, ALICE));
          await store.upsertMember(member(OTHER_GUILD, ALICE));
          await store.upsertMember(member(GUILD, BOB));
          await store.deleteMember(GUILD, ALICE);
          expect(sortedMembers((await store.loadSnapshot()).members)).toEqual(sortedMembers([member(OTHER_GUILD, ALICE), member(GUILD, BOB)]));
        }),
      );
    });

    describe('bans', () => {
      it(
        'stores a ban, replaces its reason, and lifts it',
        run(async (store) => {
          const ban: BanRecord = { guild_id: GUILD, user_id: BOB, reason: 'spam' };
          await store.putBan(ban);
          await store.putBan({ guild_id: OTHER_GUILD, user_id: BOB, reason: null });
          expect((await store.loadSnapshot()).bans).toContainEqual(ban);
          await store.putBan({ ...ban, reason: 'raids' });
          const reasons = (await store.loadSnapshot()).bans.filter((b) => b.guild_id === GUILD).map((b) => b.reason);
          expect(reasons).toEqual(['raids']);
          await store.deleteBan(GUILD, BOB);
          expect((await store.loadSnapshot()).bans).toEqual([{ guild_id: OTHER_GUILD, user_id: BOB, reason: null }]);
        }),
      );
    });

    describe('invites', () => {
      it(
        'returns an inserted invite field for field',
        run(async (store) => {
          const inv = invite('abcDEF12', { max_age: 86_400, max_uses: 5, uses: 1, temporary: true });
          const dmInvite = invite('group123', { guild_id: null, inviter_id: null });
          await store.insertInvite(inv);
          await store.insertInvite(dmInvite);
          expect(await store.findInvite('abcDEF12')).toEqual(inv);
          expect(await store.findInvite('group123')).toEqual(dmInvite);
        }),
      );

      it(
        'returns null for an unknown invite code, case-sensitively',
        run(async (store) => {
          await store.insertInvite(invite('abcDEF12'));
          expect(await store.findInvite('nope')).toBeNull();
          expect(await store.findInvite('ABCDEF12')).toBeNull();
        }),
      );

      it(
        'refuses a second invite with the same code',
        run(async (store) => {
          await store.insertInvite(invite('dup'));
          await expect(store.insertInvite(invite('dup', { channel_id: '400000000000000002' }))).rejects.toThrow();
        }),
      );

      it(
        'counts uses up to max_uses, then refuses',
        run(async (store) => {
          await store.insertInvite(invite('two', { max_uses: 2 }));
          expect(await store.useInvite('two', T0)).toBe(true);
          expect(await store.useInvite('two', T0)).toBe(true);
          expect(await store.useInvite('two', T0)).toBe(false);
          expect((await store.findInvite('two'))?.uses).toBe(2);
        }),
      );

      it(
        'never uses up an invite with max_uses 0',
        run(async (store) => {
          await store.insertInvite(invite('open'));
          for (let i = 0; i < 25; i++) expect(await store.useInvite('open', T0)).toBe(true);
          expect((await store.findInvite('open'))?.uses).toBe(25);
        }),
      );

      it(
        'refuses an invite from the moment its max_age has passed, and never expires one with max_age 0',
        run(async (store) => {
          await store.insertInvite(invite('hour', { max_age: 3600 }));
          await store.insertInvite(invite('forever'));
          expect(await store.useInvite('hour', T0 + 3_600_000 - 1)).toBe(true);
          expect(await store.useInvite('hour', T0 + 3_600_000)).toBe(false);
          expect((await store.findInvite('hour'))?.uses).toBe(1);
          expect(await store.useInvite('forever', T0 + 10 * 365 * 86_400_000)).toBe(true);
        }),
      );

      it(
        'refuses to use an unknown or deleted invite',
        run(async (store) => {
          await store.insertInvite(invite('gone'));
          await store.deleteInvite('gone');
          expect(await store.findInvite('gone')).toBeNull();
          expect(await store.useInvite('gone', T0)).toBe(false);
          expect(await store.useInvite('never', T0)).toBe(false);
        }),
      );

      it(
        'lists the invites of a guild or of a channel, oldest first',
        run(async (store) => {
          const ch1 = '400000000000000001';
          const ch2 = '400000000000000002';
          await store.insertInvite(invite('c', { channel_id: ch2, created_at: T0 + 3 }));
          await store.insertInvite(invite('a', { channel_id: ch1, created_at: T0 + 1 }));
          await store.insertInvite(invite('b', { channel_id: ch1, created_at: T0 + 2 }));
          await store.insertInvite(invite('x', { guild_id: OTHER_GUILD, channel_id: '400000000000000003', created_at: T0 }));
          expect((await store.listInvites({ guildId: GUILD })).map((i) => i.code)).toEqual(['a', 'b', 'c']);
          expect((await store.listInvites({ channelId: ch1 })).map((i) => i.code)).toEqual(['a', 'b']);
          expect(await store.listInvites({ channelId: '400000000000000009' })).toEqual([]);
          expect(await store.listInvites({ guildId: OTHER_GUILD })).toEqual([invite('x', { guild_id: OTHER_GUILD, channel_id: '400000000000000003', created_at: T0 })]);
        }),
      );
    });

    describe('read states', () => {
      it(
        'has no read states for a user who never read anything',
        run(async (store) => {
          await store.putReadState({ user_id: BOB, channel_id: '400000000000000001', last_message_id: null, mention_count: 0 });
          expect(await store.getReadStates(ALICE)).toEqual([]);
        }),
      );

      it(
        'stores one read state per (user, channel) and replaces it',
        run(async (store) => {
          const a: ReadStateRecord = { user_id: ALICE, channel_id: '400000000000000001', last_message_id: '500000000000000001', mention_count: 3 };
          const b: ReadStateRecord = { user_id: ALICE, channel_id: '400000000000000002', last_message_id: null, mention_count: 0 };
          await store.putReadState(a);
          await store.putReadState(b);
          await store.putReadState({ user_id: BOB, channel_id: a.channel_id, last_message_id: null, mention_count: 9 });
          expect(sortedReadStates(await store.getReadStates(ALICE))).toEqual([a, b]);
          const acked: ReadStateRecord = { ...a, last_message_id: '500000000000000002', mention_count: 0 };
          await store.putReadState(acked);
          expect(sortedReadStates(await store.getReadStates(ALICE))).toEqual([acked, b]);
        }),
      );

      it(
        'counts a mention per user, starting a read state with no last message where there was none',
        run(async (store) => {
          const ch = '400000000000000001';
          await store.putReadState({ user_id: ALICE, channel_id: ch, last_message_id: '500000000000000001', mention_count: 1 });
          await store.incrementMentions(ch, [ALICE, BOB]);
          await store.incrementMentions(ch, [BOB]);
          await store.incrementMentions(ch, []);
          expect(await store.getReadStates(ALICE)).toEqual([{ user_id: ALICE, channel_id: ch, last_message_id: '500000000000000001', mention_count: 2 }]);
          expect(await store.getReadStates(BOB)).toEqual([{ user_id: BOB, channel_id: ch, last_message_id: null, mention_count: 2 }]);
        }),
      );

      it(
        'keeps every one of many concurrent read-state writes',
        run(async (store) => {
          const channels = Array.from({ length: 20 }, (_, i) => `4000000000000001${String(i).padStart(2, '0')}`);
          await Promise.all(channels.map((channel_id, i) => store.putReadState({ user_id: ALICE, channel_id, last_message_id: null, mention_count: i })));
          const states = sortedReadStates(await store.getReadStates(ALICE));
          expect(states.map((s) => s.mention_count)).toEqual(channels.map((_, i) => i));
        }),
      );
    });

    describe('follows', () => {
      it(
        'keeps one follow per (source, target), with the latest webhook',
        run(async (store) => {
          await store.putFollow({ source_channel_id: '400000000000000001', target_channel_id: '400000000000000002', webhook_id: '600000000000000001' });
          await store.putFollow({ source_channel_id: '400000000000000001', target_channel_id: '400000000000000002', webhook_id: '600000000000000002' });
          await store.putFollow({ source_channel_id: '400000000000000001', target_channel_id: '400000000000000003', webhook_id: '600000000000000003' });
          const follows = [...(await store.loadSnapshot()).follows].sort(byKey((f) => f.target_channel_id));
          expect(follows).toEqual([
            { source_channel_id: '400000000000000001', target_channel_id: '400000000000000002', webhook_id: '600000000000000002' },
            { source_channel_id: '400000000000000001', target_channel_id: '400000000000000003', webhook_id: '600000000000000003' },
          ]);
        }),
      );
    });

    describe('relationships', () => {
      const rel = (user_id: string, target_id: string, type: RelationshipRecord['type'], extra: Partial<RelationshipRecord> = {}): RelationshipRecord => ({
        user_id,
        target_id,
        type,
        nickname: null,
        since: T0,
        ...extra,
      });
      const sortedRelationships = (xs: readonly RelationshipRecord[]) => sortedPairs(xs, (r) => r.target_id);

      it(
        'writes both sides of a friend request, field for field',
        run(async (store) => {
          const sides = [rel(ALICE, BOB, 4, { nickname: 'Bobby' }), rel(BOB, ALICE, 3)];
          await store.writeRelationships(sides, []);
          expect(sortedRelationships((await store.loadSnapshot()).relationships)).toEqual(sortedRelationships(sides));
        }),
      );

      it(
        'replaces a side per (user, target): an accepted request becomes a friendship',
        run(async (store) => {
          await store.writeRelationships([rel(ALICE, BOB, 4), rel(BOB, ALICE, 3)], []);
          const friends = [rel(ALICE, BOB, 1, { since: T0 + 5 }), rel(BOB, ALICE, 1, { since: T0 + 5 })];
          await store.writeRelationships(friends, []);
          expect(sortedRelationships((await store.loadSnapshot()).relationships)).toEqual(sortedRelationships(friends));
        }),
      );

      it(
        'removes and puts in one write: a block replaces a friendship with the blocker\'s row only',
        run(async (store) => {
          await store.writeRelationships([rel(ALICE, BOB, 1), rel(BOB, ALICE, 1), rel(ALICE, OWNER, 1), rel(OWNER, ALICE, 1)], []);
          await store.writeRelationships([rel(ALICE, BOB, 2, { since: T0 + 9 })], [{ user_id: BOB, target_id: ALICE }]);
          expect(sortedRelationships((await store.loadSnapshot()).relationships)).toEqual(
            sortedRelationships([rel(ALICE, BOB, 2, { since: T0 + 9 }), rel(ALICE, OWNER, 1), rel(OWNER, ALICE, 1)]),
          );
        }),
      );

      it(
        'removes both sides of a friendship',
        run(async (store) => {
          await store.writeRelationships([rel(ALICE, BOB, 1), rel(BOB, ALICE, 1)], []);
          await store.writeRelationships([], [{ user_id: ALICE, target_id: BOB }, { user_id: BOB, target_id: ALICE }]);
          expect((await store.loadSnapshot()).relationships).toEqual([]);
        }),
      );
    });

    it(
      'keeps every kind of record across a reopen of the same storage',
      run(async (store, reopen) => {
        const g = guildWithParts(GUILD, ['400000000000000001', '400000000000000002']);
        const alice = user(ALICE, { username: 'alice', email: 'alice@example.com', password_hash: 'h' });
        await store.insertUser(alice);
        await store.insertToken('hash-a', ALICE, T0);
        await store.createGuild(g.guild, g.roles, g.channels, g.owner);
        await store.upsertMember(member(GUILD, ALICE, { roles: [g.roles[1].id] }));
        await store.putBan({ guild_id: GUILD, user_id: BOB, reason: 'spam' });
        await store.insertInvite(invite('keep', { max_uses: 3 }));
        await store.useInvite('keep', T0);
        await store.setLastMessageId(g.channels[0].id, '500000000000000042');
        await store.putReadState({ user_id: ALICE, channel_id: g.channels[0].id, last_message_id: '500000000000000040', mention_count: 0 });
        await store.incrementMentions(g.channels[0].id, [ALICE]);
        await store.putFollow({ source_channel_id: '400000000000000009', target_channel_id: g.channels[0].id, webhook_id: '600000000000000001' });
        await store.writeRelationships([{ user_id: ALICE, target_id: BOB, type: 2, nickname: null, since: T0 }], []);
        const before = await store.loadSnapshot();

        const reopened = await reopen();
        const after = await reopened.loadSnapshot();
        expect(sortedById(after.users)).toEqual(sortedById(before.users));
        expect(after.guilds).toEqual(before.guilds);
        expect(sortedById(after.roles)).toEqual(sortedById(before.roles));
        expect(sortedById(after.channels)).toEqual(sortedById(before.channels));
        expect(sortedMembers(after.members)).toEqual(sortedMembers(before.members));
        expect(after.bans).toEqual(before.bans);
        expect(after.follows).toEqual(before.follows);
        expect(after.relationships).toEqual(before.relationships);
        expect(after.channels.find((c) => c.id === g.channels[0].id)?.last_message_id).toBe('500000000000000042');
        expect(await reopened.findUserIdByToken('hash-a')).toBe(ALICE);
        expect(await reopened.findUserByLogin('alice')).toEqual(alice);
        expect((await reopened.findInvite('keep'))?.uses).toBe(1);
        expect(await reopened.getReadStates(ALICE)).toEqual([{ user_id: ALICE, channel_id: g.channels[0].id, last_message_id: '500000000000000040', mention_count: 1 }]);
      }),
    );
  });
}
