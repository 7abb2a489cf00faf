import { ChannelType, GatewayIntents, PermissionFlags } from '@concord/protocol';
import { describe, expect, it } from 'vitest';
import { DomainState, GuildState } from '../domain/DomainState.ts';
import { LARGE_GUILD_THRESHOLD } from '../domain/serialize.ts';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord } from '../store/records.ts';
import { computeAccess, scopesForSession } from './accessScopes.ts';

/** A snowflake in shard `k` of 2 ((id >> 22) % 2). */
const idInShard = (n: number, k: number) => String(BigInt(2 * n + k) << 22n);
const G0 = idInShard(5, 0);
const G1 = idInShard(6, 1);

const guild = (id: string): GuildRecord => ({ id, name: id, icon: null, description: null, owner_id: 'owner', system_channel_id: null, afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0, preferred_locale: 'en-US', created_at: 0 });
const everyone = (guildId: string): RoleRecord => ({ id: guildId, guild_id: guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES, managed: false, mentionable: false, icon: null, unicode_emoji: null, bot_id: null });
const member = (guildId: string, userId: string): MemberRecord => ({ guild_id: guildId, user_id: userId, nick: null, avatar: null, joined_at: 0, deaf: false, mute: false, communication_disabled_until: null, flags: 0, roles: [] });
const channel = (id: string, guildId: string | null, extra: Partial<ChannelRecord> = {}): ChannelRecord => ({ id, type: guildId ? ChannelType.GUILD_TEXT : ChannelType.DM, guild_id: guildId, name: id, topic: null, position: 0, parent_id: null, nsfw: false, rate_limit_per_user: 0, bitrate: null, user_limit: null, last_message_id: null, last_pin_timestamp: null, owner_id: null, icon: null, overwrites: [], recipients: [], ...extra });

/** Two guilds (one per shard of 2) with user `u`; G0 has a channel hidden from u; u has a DM. */
function world(): DomainState {
  const state = new DomainState();
  for (const g of [G0, G1]) {
    state.guilds.set(g, new GuildState(guild(g)));
    state.guilds.get(g)!.roles.set(g, everyone(g));
    state.addMember(member(g, 'u'));
  }
  state.addChannel(channel('open0', G0));
  state.addChannel(channel('hidden0', G0, { overwrites: [{ id: G0, type: 0, allow: 0n, deny: PermissionFlags.VIEW_CHANNEL }] }));
  state.addChannel(channel('open1', G1));
  state.addChannel(channel('dm', null, { recipients: ['u', 'other'] }));
  return state;
}

describe('computeAccess', () => {
  it('holds the user, each guild and its presences, the channels the user can view and the DMs', () => {
    expect([...computeAccess(world(), 'u')].sort()).toEqual(['c:dm', 'c:open0', 'c:open1', `g:${G0}`, `g:${G1}`, `p:${G0}`, `p:${G1}`, 'u:u'].sort());
  });

  it('is only u:<self> for a user in no guild', () => {
    expect([...computeAccess(world(), 'stranger')]).toEqual(['u:stranger']);
  });
});

describe('scopesForSession', () => {
  it('is the whole access for an unsharded session, sharing its strings', () => {
    const state = world();
    const access = computeAccess(state, 'u');
    const scopes = scopesForSession(state, access, { intents: null, shard: null });
    expect(scopes).toEqual(access);
  });

  it("keeps one shard's guilds, channels and presences, and DMs on shard 0 only", () => {
    const state = world();
    const access = computeAccess(state, 'u');
    expect([...scopesForSession(state, access, { intents: GatewayIntents.GUILDS, shard: [0, 2] })].sort()).toEqual(['c:dm', 'c:open0', `g:${G0}`, `p:${G0}`, 'u:u'].sort());
    expect([...scopesForSession(state, access, { intents: GatewayIntents.GUILDS, shard: [1, 2] })].sort()).toEqual(['c:open1', `g:${G1}`, `p:${G1}`, 'u:u'].sort());
  });

  it('leaves out presences of a large guild unless the session asks for GUILD_PRESENCES', () => {
    const state = world();
    for (let i = 0; i < LARGE_GUILD_THRESHOLD; i++) state.addMember(member(G0, `m${i}`));
    const access = computeAccess(state, 'u');
    expect(scopesForSession(state, access, { intents: null, shard: null }).has(`p:${G0}`)).toBe(false);
    expect(scopesForSession(state, access, { intents: GatewayIntents.GUILDS, shard: null }).has(`p:${G0}`)).toBe(false);
    expect(scopesForSession(state, access, { intents: GatewayIntents.GUILD_PRESENCES, shard: null }).has(`p:${G0}`)).toBe(true);
    expect(scopesForSession(state, access, { intents: null, shard: null }).has(`p:${G1}`)).toBe(true);
  });
});
