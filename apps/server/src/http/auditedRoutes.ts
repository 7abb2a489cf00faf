// Audit logging for the core moderation routes without touching their services: each audited route
// is wrapped so that the state it changes is snapshotted before the handler runs and compared after
// it succeeded. The route pattern says what kind of change it was; the actor is the caller and the
// reason comes from X-Audit-Log-Reason (or a ban body's `reason`).
import { AuditLogEvent } from '@concord/protocol';
import { diffChanges, type AuditEntryInput, type AuditLogService } from '../domain/AuditLogService.ts';
import type { DomainContext } from '../domain/DomainContext.ts';
import type { ChannelRecord, GuildRecord, MemberRecord, MessageRecord, OverwriteRecord, RoleRecord } from '../store/records.ts';
import { Reply, type AuthedContext, type RouteDef } from './Route.ts';

interface Before {
  guild: GuildRecord | null;
  channel: ChannelRecord | null;
  member: MemberRecord | null;
  role: RoleRecord | null;
  overwrite: OverwriteRecord | null;
  message: MessageRecord | null;
  /** Every channel of the guild, only for the bulk channel update (moves and syncs touch several). */
  guildChannels: ChannelRecord[] | null;
}

type Entry = Omit<AuditEntryInput, 'userId' | 'reason'>;
type Describe = (c: AuthedContext, before: Before, result: unknown) => Entry | Entry[] | null;

const REORDER_CHANNELS = 'PATCH /guilds/:guild_id/channels';

const GUILD_KEYS = ['name', 'icon', 'description', 'owner_id', 'system_channel_id', 'afk_channel_id', 'afk_timeout', 'verification_level', 'default_message_notifications', 'explicit_content_filter', 'preferred_locale'] as const;
const CHANNEL_KEYS = ['name', 'type', 'topic', 'nsfw', 'rate_limit_per_user', 'bitrate', 'user_limit', 'parent_id', 'position'] as const;
const ROLE_KEYS = ['name', 'permissions', 'color', 'hoist', 'mentionable', 'icon', 'unicode_emoji'] as const;
const MEMBER_KEYS = ['nick', 'mute', 'deaf', 'communication_disabled_until'] as const;

const idOf = (result: unknown): string | null => (result && typeof result === 'object' && 'id' in result && typeof result.id === 'string' ? result.id : null);

/** Builds the describers, one per audited route ("METHOD pattern"). */
function describers(ctx: DomainContext): Record<string, Describe> {
  const guildOf = (c: AuthedContext) => ctx.state.guilds.get(c.params['guild_id'] ?? '') ?? null;
  const channelNow = (c: AuthedContext) => ctx.state.channels.get(c.params['channel_id'] ?? '') ?? null;
  const memberTimeoutIso = (m: MemberRecord | null) => (m && m.communication_disabled_until !== null ? new Date(m.communication_disabled_until).toISOString() : null);
  const memberView = (m: MemberRecord | null) => (m ? { ...m, communication_disabled_until: memberTimeoutIso(m) } : null);

  const memberChange: Describe = (c, before) => {
    const g = guildOf(c);
    const userId = c.params['user_id'] === '@me' ? c.user.id : c.params['user_id'] ?? '';
    const after = g?.members.get(userId) ?? null;
    if (!g || !after) return null;
    const roleName = (id: string) => ({ id, name: g.roles.get(id)?.name ?? '' });
    const added = after.roles.filter((r) => !(before.member?.roles ?? []).includes(r));
    const removed = (before.member?.roles ?? []).filter((r) => !after.roles.includes(r));
    if (added.length + removed.length > 0) {
      const changes = [];
      if (added.length) changes.push({ key: '$add', new_value: added.map(roleName) });
      if (removed.length) changes.push({ key: '$remove', new_value: removed.map(roleName) });
      return { guildId: g.id, targetId: userId, actionType: AuditLogEvent.MEMBER_ROLE_UPDATE, changes };
    }
    const changes = diffChanges(memberView(before.member), memberView(after), MEMBER_KEYS);
    return changes.length ? { guildId: g.id, targetId: userId, actionType: AuditLogEvent.MEMBER_UPDATE, changes } : null;
  };

  const shown = (o: OverwriteRecord | null) => (o ? { id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() } : null);
  /** One CHANNEL_OVERWRITE_* entry for one overwrite's change, or null when it did not change. */
  const overwriteEntry = (channel: ChannelRecord, guildId: string, id: string, was: OverwriteRecord | null, now: OverwriteRecord | null): Entry | null => {
    const changes = diffChanges(shown(was), shown(now), ['id', 'type', 'allow', 'deny']);
    if (changes.length === 0) return null;
    const type = (now ?? was)?.type ?? 0;
    const options: Record<string, string> = { id, type: String(type) };
    if (type === 0) options['role_name'] = ctx.state.guilds.get(guildId)?.roles.get(id)?.name ?? '';
    const actionType = !now ? AuditLogEvent.CHANNEL_OVERWRITE_DELETE : was ? AuditLogEvent.CHANNEL_OVERWRITE_UPDATE : AuditLogEvent.CHANNEL_OVERWRITE_CREATE;
    return { guildId, targetId: channel.id, actionType, changes, options };
  };
  /** Every overwrite a whole-list write (PATCH /channels/:id, a category sync) created, changed or removed. */
  const overwriteEntries = (before: ChannelRecord, after: ChannelRecord, guildId: string): Entry[] => {
    const ids = new Set([...before.overwrites, ...after.overwrites].map((o) => o.id));
    const out: Entry[] = [];
    for (const id of ids) {
      const entry = overwriteEntry(after, guildId, id, before.overwrites.find((o) => o.id === id) ?? null, after.overwrites.find((o) => o.id === id) ?? null);
      if (entry) out.push(entry);
    }
    return out;
  };

  const overwriteChange: Describe = (c, before) => {
    const channel = channelNow(c);
    if (!channel?.guild_id) return null;
    const id = c.params['overwrite_id'] ?? '';
    return overwriteEntry(channel, channel.guild_id, id, before.overwrite, channel.overwrites.find((o) => o.id === id) ?? null);
  };

  const pinChange =
    (actionType: number): Describe =>
    (c, before) => {
      const channel = channelNow(c);
      if (!channel?.guild_id || !before.message) return null;
      return { guildId: channel.guild_id, targetId: before.message.author_id, actionType, options: { channel_id: channel.id, message_id: before.message.id } };
    };

  return {
    'PATCH /guilds/:guild_id': (c, before) => {
      const g = guildOf(c);
      if (!g) return null;
      const changes = diffChanges(before.guild, g.guild, GUILD_KEYS);
      return changes.length ? { guildId: g.id, targetId: g.id, actionType: AuditLogEvent.GUILD_UPDATE, changes } : null;
    },
    'POST /guilds/:guild_id/channels': (c, _before, result) => {
      const channel = ctx.state.channels.get(idOf(result) ?? '');
      if (!channel?.guild_id) return null;
      return { guildId: channel.guild_id, targetId: channel.id, actionType: AuditLogEvent.CHANNEL_CREATE, changes: diffChanges(null, channel, ['name', 'type', 'topic', 'nsfw', 'rate_limit_per_user', 'bitrate', 'user_limit']) };
    },
    'PATCH /channels/:channel_id': (c, before) => {
      const after = channelNow(c);
      if (!after?.guild_id || !before.channel) return null;
      const changes = diffChanges(before.channel, after, CHANNEL_KEYS);
      const update: Entry[] = changes.length ? [{ guildId: after.guild_id, targetId: after.id, actionType: AuditLogEvent.CHANNEL_UPDATE, changes }] : [];
      // Overwrites written with the channel are logged like PUT's, so PATCH is no way around the log.
      return [...update, ...overwriteEntries(before.channel, after, after.guild_id)];
    },
    [REORDER_CHANNELS]: (c, before) => {
      const g = guildOf(c);
      if (!g || !before.guildChannels) return null;
      const out: Entry[] = [];
      for (const was of before.guildChannels) {
        const now = g.channels.get(was.id);
        if (!now) continue;
        const changes = diffChanges(was, now, ['parent_id', 'position']);
        if (changes.length) out.push({ guildId: g.id, targetId: now.id, actionType: AuditLogEvent.CHANNEL_UPDATE, changes });
        out.push(...overwriteEntries(was, now, g.id));
      }
      return out;
    },
    'DELETE /channels/:channel_id': (_c, before) => {
      if (!before.channel?.guild_id) return null;
      return { guildId: before.channel.guild_id, targetId: before.channel.id, actionType: AuditLogEvent.CHANNEL_DELETE, changes: diffChanges(before.channel, null, ['name', 'type']) };
    },
    'PUT /channels/:channel_id/permissions/:overwrite_id': overwriteChange,
    'DELETE /channels/:channel_id/permissions/:overwrite_id': overwriteChange,
    'DELETE /guilds/:guild_id/members/:user_id': (c) => ({ guildId: c.params['guild_id']!, targetId: c.params['user_id']!, actionType: AuditLogEvent.MEMBER_KICK }),
    'PUT /guilds/:guild_id/bans/:user_id': (c) => ({ guildId: c.params['guild_id']!, targetId: c.params['user_id']!, actionType: AuditLogEvent.MEMBER_BAN_ADD }),
    'DELETE /guilds/:guild_id/bans/:user_id': (c) => ({ guildId: c.params['guild_id']!, targetId: c.params['user_id']!, actionType: AuditLogEvent.MEMBER_BAN_REMOVE }),
    'PATCH /guilds/:guild_id/members/:user_id': memberChange,
    'PATCH /guilds/:guild_id/members/@me': memberChange,
    'PUT /guilds/:guild_id/members/:user_id/roles/:role_id': memberChange,
    'DELETE /guilds/:guild_id/members/:user_id/roles/:role_id': memberChange,
    'POST /guilds/:guild_id/roles': (c, _before, result) => {
      const role = guildOf(c)?.roles.get(idOf(result) ?? '');
      if (!role) return null;
      return { guildId: role.guild_id, targetId: role.id, actionType: AuditLogEvent.ROLE_CREATE, changes: diffChanges(null, role, ROLE_KEYS) };
    },
    'PATCH /guilds/:guild_id/roles/:role_id': (c, before) => {
      const after = guildOf(c)?.roles.get(c.params['role_id'] ?? '') ?? null;
      if (!after) return null;
      const changes = diffChanges(before.role, after, ROLE_KEYS);
      return changes.length ? { guildId: after.guild_id, targetId: after.id, actionType: AuditLogEvent.ROLE_UPDATE, changes } : null;
    },
    'DELETE /guilds/:guild_id/roles/:role_id': (_c, before) =>
      before.role ? { guildId: before.role.guild_id, targetId: before.role.id, actionType: AuditLogEvent.ROLE_DELETE, changes: diffChanges(before.role, null, ROLE_KEYS) } : null,
    'POST /channels/:channel_id/invites': (c, _before, result) => {
      const channel = channelNow(c);
      const code = result && typeof result === 'object' && 'code' in result && typeof result.code === 'string' ? result.code : null;
      if (!channel?.guild_id || !code) return null;
      return { guildId: channel.guild_id, targetId: null, actionType: AuditLogEvent.INVITE_CREATE, changes: [{ key: 'code', new_value: code }, { key: 'channel_id', new_value: channel.id }] };
    },
    'DELETE /invites/:code': (c, _before, result) => {
      const channelId = result && typeof result === 'object' && 'channel' in result && result.channel && typeof result.channel === 'object' && 'id' in result.channel ? String(result.channel.id) : '';
      const guildId = ctx.state.channels.get(channelId)?.guild_id;
      return guildId ? { guildId, targetId: null, actionType: AuditLogEvent.INVITE_DELETE, changes: [{ key: 'code', old_value: c.params['code']! }] } : null;
    },
    'DELETE /channels/:channel_id/messages/:message_id': (c, before) => {
      // Deleting one's own message is not a moderation action.
      if (!before.message?.guild_id || before.message.author_id === c.user.id) return null;
      return { guildId: before.message.guild_id, targetId: before.message.author_id, actionType: AuditLogEvent.MESSAGE_DELETE, options: { channel_id: before.message.channel_id, count: '1' } };
    },
    'POST /channels/:channel_id/messages/bulk-delete': (c) => {
      const channel = channelNow(c);
      const messages = typeof c.body === 'object' && c.body !== null && 'messages' in c.body ? c.body.messages : undefined;
      const count = Array.isArray(messages) ? messages.length : 0;
      return channel?.guild_id ? { guildId: channel.guild_id, targetId: channel.id, actionType: AuditLogEvent.MESSAGE_BULK_DELETE, options: { count: String(count) } } : null;
    },
    'PUT /channels/:channel_id/pins/:message_id': pinChange(AuditLogEvent.MESSAGE_PIN),
    'DELETE /channels/:channel_id/pins/:message_id': pinChange(AuditLogEvent.MESSAGE_UNPIN),
  };
}

/** Wraps the audited routes among `routes`; the others pass through unchanged. */
export function auditedRoutes(routes: readonly RouteDef[], ctx: DomainContext, audit: AuditLogService): RouteDef[] {
  const table = describers(ctx);
  return routes.map((route) => {
    const describe = table[`${route.method} ${route.path}`];
    if (!describe || route.auth !== 'required') return route;
    const handler = route.handler;
    return {
      ...route,
      handler: async (c: AuthedContext) => {
        const before = await snapshot(ctx, c, `${route.method} ${route.path}` === REORDER_CHANNELS);
        const result = await handler(c);
        const described = describe(c, before, result instanceof Reply ? result.body : result);
        const entries = described === null ? [] : Array.isArray(described) ? described : [described];
        const bodyReason = typeof c.body === 'object' && c.body !== null && 'reason' in c.body && typeof c.body.reason === 'string' ? c.body.reason : null;
        const reason = c.auditLogReason ?? bodyReason;
        for (const entry of entries) audit.recordInBackground({ ...entry, userId: c.user.id, reason });
        return result;
      },
    };
  });
}

async function snapshot(ctx: DomainContext, c: AuthedContext, withGuildChannels: boolean): Promise<Before> {
  const p = c.params;
  const g = p['guild_id'] ? ctx.state.guilds.get(p['guild_id']) : undefined;
  const channel = p['channel_id'] ? ctx.state.channels.get(p['channel_id']) : undefined;
  const memberId = p['user_id'] === '@me' ? c.user.id : p['user_id'];
  const member = memberId ? g?.members.get(memberId) : undefined;
  const role = p['role_id'] ? g?.roles.get(p['role_id']) : undefined;
  const overwrite = p['overwrite_id'] ? channel?.overwrites.find((o) => o.id === p['overwrite_id']) : undefined;
  const message = p['message_id'] && channel ? await ctx.messages.get(channel.id, p['message_id']) : null;
  const copyChannel = (ch: ChannelRecord): ChannelRecord => ({ ...ch, overwrites: ch.overwrites.map((o) => ({ ...o })) });
  // Copies: services replace records, but some mutate them in place (channels, guild fields).
  return {
    guild: g ? { ...g.guild } : null,
    channel: channel ? copyChannel(channel) : null,
    member: member ? { ...member, roles: [...member.roles] } : null,
    role: role ? { ...role } : null,
    overwrite: overwrite ? { ...overwrite } : null,
    message,
    guildChannels: withGuildChannels && g ? [...g.channels.values()].map(copyChannel) : null,
  };
}
