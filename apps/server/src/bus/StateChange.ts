// The metadata writes that change a node's in-memory DomainState, as data: what one node wrote to
// the MetadataStore, the others apply (StateReplicator) so every node's permission checks, READY
// and fan-out subscriptions agree. Each case mirrors one MetadataStore write and carries whole
// records, so applying it twice, or applying an older copy and then the newer one, ends the same.
import { GuildState, type DomainState } from '../domain/DomainState.ts';
import { missingCase } from '../gateway/GatewaySession.ts';
import type { MetadataStore } from '../store/MetadataStore.ts';
import type { BanRecord, ChannelRecord, FollowRecord, GuildRecord, MemberRecord, RelationshipRecord, RoleRecord, UserRecord } from '../store/records.ts';

export type StateChange =
  | { type: 'userPut'; user: UserRecord }
  | { type: 'guildCreate'; guild: GuildRecord; roles: RoleRecord[]; channels: ChannelRecord[]; owner: MemberRecord }
  | { type: 'guildPut'; guild: GuildRecord }
  | { type: 'guildDelete'; guildId: string }
  | { type: 'rolesPut'; roles: RoleRecord[] }
  | { type: 'roleDelete'; guildId: string; roleId: string }
  | { type: 'channelsPut'; channels: ChannelRecord[] }
  | { type: 'channelDelete'; channelId: string }
  | { type: 'memberPut'; member: MemberRecord }
  | { type: 'memberDelete'; guildId: string; userId: string }
  | { type: 'banPut'; ban: BanRecord }
  | { type: 'banDelete'; guildId: string; userId: string }
  | { type: 'followPut'; follow: FollowRecord }
  | { type: 'relationshipsWrite'; put: RelationshipRecord[]; remove: { user_id: string; target_id: string }[] };

export const STATE_CHANGE_TYPES = [
  'userPut',
  'guildCreate',
  'guildPut',
  'guildDelete',
  'rolesPut',
  'roleDelete',
  'channelsPut',
  'channelDelete',
  'memberPut',
  'memberDelete',
  'banPut',
  'banDelete',
  'followPut',
  'relationshipsWrite',
] as const satisfies readonly StateChange['type'][];

/** One record a change writes, named so the store can read it back by id. */
export type RecordRef =
  | { kind: 'user'; userId: string }
  | { kind: 'guild'; guildId: string }
  | { kind: 'role'; guildId: string; roleId: string }
  | { kind: 'channel'; channelId: string }
  | { kind: 'member'; guildId: string; userId: string }
  | { kind: 'ban'; guildId: string; userId: string }
  | { kind: 'follow'; sourceChannelId: string; targetChannelId: string }
  | { kind: 'relationship'; userId: string; targetId: string };

/** The records a change writes. */
export function stateChangeRefs(c: StateChange): RecordRef[] {
  switch (c.type) {
    case 'userPut':
      return [{ kind: 'user', userId: c.user.id }];
    case 'guildCreate':
    case 'guildPut':
      return [{ kind: 'guild', guildId: c.guild.id }];
    case 'guildDelete':
      return [{ kind: 'guild', guildId: c.guildId }];
    case 'rolesPut':
      return c.roles.map((r) => ({ kind: 'role', guildId: r.guild_id, roleId: r.id }));
    case 'roleDelete':
      return [{ kind: 'role', guildId: c.guildId, roleId: c.roleId }];
    case 'channelsPut':
      return c.channels.map((ch) => ({ kind: 'channel', channelId: ch.id }));
    case 'channelDelete':
      return [{ kind: 'channel', channelId: c.channelId }];
    case 'memberPut':
      return [{ kind: 'member', guildId: c.member.guild_id, userId: c.member.user_id }];
    case 'memberDelete':
      return [{ kind: 'member', guildId: c.guildId, userId: c.userId }];
    case 'banPut':
      return [{ kind: 'ban', guildId: c.ban.guild_id, userId: c.ban.user_id }];
    case 'banDelete':
      return [{ kind: 'ban', guildId: c.guildId, userId: c.userId }];
    case 'followPut':
      return [{ kind: 'follow', sourceChannelId: c.follow.source_channel_id, targetChannelId: c.follow.target_channel_id }];
    case 'relationshipsWrite':
      return [...c.put, ...c.remove].map((r) => ({ kind: 'relationship', userId: r.user_id, targetId: r.target_id }));
    default:
      return missingCase(c);
  }
}

/** A record's key: the same on every node for the same record. */
export function recordKey(r: RecordRef): string {
  switch (r.kind) {
    case 'user':
      return `u:${r.userId}`;
    case 'guild':
      return `g:${r.guildId}`;
    case 'role':
      return `r:${r.roleId}`;
    case 'channel':
      return `c:${r.channelId}`;
    case 'member':
      return `m:${r.guildId}:${r.userId}`;
    case 'ban':
      return `b:${r.guildId}:${r.userId}`;
    case 'follow':
      return `f:${r.sourceChannelId}:${r.targetChannelId}`;
    case 'relationship':
      return `rel:${r.userId}:${r.targetId}`;
    default:
      return missingCase(r);
  }
}

/**
 * The records a change writes, as keys: a node skips its own change when it has written the same
 * key again since (its memory already holds the newer value; see StateReplicator).
 */
export function stateChangeKeys(c: StateChange): string[] {
  return stateChangeRefs(c).map(recordKey);
}

/**
 * The change that puts a record as the store holds it now into memory (a put, or a delete when the
 * row is gone), or null for records that are never re-read: users are never deleted, and a follow
 * is only ever put whole (two writers of one follow write the same row).
 */
export async function readBack(meta: MetadataStore, r: RecordRef): Promise<StateChange | null> {
  switch (r.kind) {
    case 'user': {
      const user = await meta.getUser(r.userId);
      return user ? { type: 'userPut', user } : null;
    }
    case 'guild': {
      const guild = await meta.getGuild(r.guildId);
      return guild ? { type: 'guildPut', guild } : { type: 'guildDelete', guildId: r.guildId };
    }
    case 'role': {
      const role = await meta.getRole(r.guildId, r.roleId);
      return role ? { type: 'rolesPut', roles: [role] } : { type: 'roleDelete', guildId: r.guildId, roleId: r.roleId };
    }
    case 'channel': {
      const channel = await meta.getChannel(r.channelId);
      return channel ? { type: 'channelsPut', channels: [channel] } : { type: 'channelDelete', channelId: r.channelId };
    }
    case 'member': {
      const member = await meta.getMember(r.guildId, r.userId);
      return member ? { type: 'memberPut', member } : { type: 'memberDelete', guildId: r.guildId, userId: r.userId };
    }
    case 'ban': {
      const ban = await meta.getBan(r.guildId, r.userId);
      return ban ? { type: 'banPut', ban } : { type: 'banDelete', guildId: r.guildId, userId: r.userId };
    }
    case 'follow':
      return null;
    case 'relationship': {
      const rel = await meta.getRelationship(r.userId, r.targetId);
      return rel ? { type: 'relationshipsWrite', put: [rel], remove: [] } : { type: 'relationshipsWrite', put: [], remove: [{ user_id: r.userId, target_id: r.targetId }] };
    }
    default:
      return missingCase(r);
  }
}

/**
 * Applies one change. Records already in memory are updated in place (Object.assign), never
 * replaced: services hold references to them across awaits, and the guild's map and the global
 * channel map share one object.
 */
export function applyStateChange(state: DomainState, c: StateChange): void {
  switch (c.type) {
    case 'userPut':
      putInto(state.users, c.user.id, c.user);
      return;
    case 'guildCreate': {
      if (state.guilds.has(c.guild.id)) {
        Object.assign(state.guilds.get(c.guild.id)!.guild, c.guild);
        return;
      }
      const g = new GuildState(c.guild);
      for (const r of c.roles) g.roles.set(r.id, r);
      for (const ch of c.channels) g.channels.set(ch.id, ch);
      g.members.set(c.owner.user_id, c.owner);
      state.addGuild(g);
      return;
    }
    case 'guildPut': {
      const g = state.guilds.get(c.guild.id);
      if (g) Object.assign(g.guild, c.guild);
      return;
    }
    case 'guildDelete':
      state.removeGuild(c.guildId);
      return;
    case 'rolesPut':
      for (const r of c.roles) {
        const g = state.guilds.get(r.guild_id);
        if (g) putInto(g.roles, r.id, r);
      }
      return;
    case 'roleDelete':
      state.guilds.get(c.guildId)?.roles.delete(c.roleId);
      return;
    case 'channelsPut':
      for (const ch of c.channels) putChannel(state, ch);
      return;
    case 'channelDelete':
      state.removeChannel(c.channelId);
      return;
    case 'memberPut': {
      const existing = state.guilds.get(c.member.guild_id)?.members.get(c.member.user_id);
      if (existing) Object.assign(existing, c.member);
      else state.addMember(c.member);
      return;
    }
    case 'memberDelete':
      state.removeMember(c.guildId, c.userId);
      return;
    case 'banPut':
      state.guilds.get(c.ban.guild_id)?.bans.set(c.ban.user_id, c.ban);
      return;
    case 'banDelete':
      state.guilds.get(c.guildId)?.bans.delete(c.userId);
      return;
    case 'followPut':
      state.addFollow(c.follow);
      return;
    case 'relationshipsWrite':
      for (const r of c.remove) state.removeRelationship(r.user_id, r.target_id);
      for (const r of c.put) state.setRelationship(r);
      return;
    default:
      missingCase(c);
  }
}

function putInto<V extends object>(map: Map<string, V>, key: string, value: V): void {
  const existing = map.get(key);
  if (existing) Object.assign(existing, value);
  else map.set(key, value);
}

/** A channel upsert, keeping DM recipients' channel lists right when a group DM's recipients change. */
function putChannel(state: DomainState, ch: ChannelRecord): void {
  const existing = state.channels.get(ch.id);
  if (!existing) {
    state.addChannel(ch);
    return;
  }
  const before = existing.recipients;
  Object.assign(existing, ch);
  if (!ch.guild_id) {
    for (const userId of before) if (!ch.recipients.includes(userId)) state.userPrivateChannels.get(userId)?.delete(ch.id);
    for (const userId of ch.recipients) state.linkPrivateChannel(userId, ch.id);
  }
}
