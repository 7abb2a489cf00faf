// Messages: send (mentions, replies, allowed_mentions, slowmode, nonce), history paging, edit,
// delete, bulk delete, reactions, pins, typing, read states, and crossposts to followers.
import {
  ChannelType,
  MessageFlags,
  MessageType,
  PermissionFlags,
  hasPermission,
  snowflakeTimestampMs,
  type AllowedMentions,
  type APIMessage,
} from '@concord/protocol';
import { DomainError, RateLimitedError } from './DomainError.ts';
import type { AttachmentRecord, ChannelRecord, HistoryQuery, MessageRecord, UserRecord } from '../store/records.ts';
import { newMessageRecord } from './newMessageRecord.ts';
import { dispatch, requireChannelPermission, requireVisibleChannel, type DomainContext } from './DomainContext.ts';
import { hasBlocked, requireCanMessageIn } from './RelationshipService.ts';
import { iso, memberToAPI, messageToAPI, userToAPI } from './serialize.ts';

const TWO_WEEKS_MS = 14 * 86_400_000;
const MAX_PINS = 50;
const MAX_REACTION_EMOJIS = 20;
const NONCE_TTL_MS = 5 * 60_000;

export interface SendMessageInput {
  content?: string | undefined;
  nonce?: string | number | undefined;
  tts?: boolean | undefined;
  embeds?: unknown[] | undefined;
  allowed_mentions?: AllowedMentions | undefined;
  message_reference?: { message_id?: string | undefined; channel_id?: string | undefined; guild_id?: string | undefined; fail_if_not_exists?: boolean | undefined } | undefined;
  components?: unknown[] | undefined;
  flags?: number | undefined;
  enforce_nonce?: boolean | undefined;
  attachments: AttachmentRecord[];
  /** Writes the attachments' files: called after every check passed, just before the message is stored. */
  writeFiles?: (() => Promise<void>) | undefined;
}

/** Text-capable channels: messages can be sent in them. */
const TEXT_TYPES: ReadonlySet<number> = new Set([ChannelType.GUILD_TEXT, ChannelType.DM, ChannelType.GUILD_VOICE, ChannelType.GROUP_DM, ChannelType.GUILD_ANNOUNCEMENT]);

const USER_MENTION = /<@!?(\d{15,20})>/g;
const ROLE_MENTION = /<@&(\d{15,20})>/g;
const EVERYONE_MENTION = /@(everyone|here)/;

/** A unicode emoji (pictographs, flags, keycaps, with modifiers/ZWJ sequences), or name:id for a custom one. */
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)(?:[\uFE0F\u200D\p{Emoji_Modifier}\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3\u{E0020}-\u{E007F}])*$/u;

export function parseEmoji(raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new DomainError('UnknownEmoji');
  }
  if (value.length > 0 && value.length <= 64 && UNICODE_EMOJI.test(value)) return value;
  // Custom emojis (name:id) are not supported yet: answer as Discord does for an unknown one.
  throw new DomainError('UnknownEmoji');
}

/**
 * Components as stored for a message of `actor`: only applications (bot users) send them; a user
 * account's are dropped without an error, as Discord does (the body was still parsed and bounded).
 */
function componentsFrom<T>(actor: UserRecord, components: T[] | null | undefined): T[] | null | undefined {
  return actor.bot ? components : undefined;
}

export class MessageService {
  private readonly slowmode = new Map<string, number>();
  private readonly nonces = new Map<string, { messageId: string; expiresAt: number }>();

  constructor(private readonly ctx: DomainContext) {}

  private serialize(m: MessageRecord, extra: { referenced?: MessageRecord | null; withMember?: boolean; reactions?: import('../store/records.ts').ReactionSummary[] } = {}): APIMessage {
    return messageToAPI(m, { state: this.ctx.state, baseUrl: this.ctx.publicUrl(), ...extra });
  }

  private requireTextChannel(channel: ChannelRecord): void {
    if (!TEXT_TYPES.has(channel.type)) throw new DomainError('CannotSendMessagesInNonText');
  }

  /** The checks of send() that come before any file is stored. */
  assertCanSend(actor: UserRecord, channelId: string): void {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    this.requireTextChannel(channel);
    requireCanMessageIn(this.ctx.state, actor, channel);
  }

  async send(actor: UserRecord, channelId: string, input: SendMessageInput): Promise<APIMessage> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    this.requireTextChannel(channel);
    requireCanMessageIn(this.ctx.state, actor, channel);
    const content = input.content ?? '';
    const components = componentsFrom(actor, input.components) ?? [];
    if (content.trim().length === 0 && (input.embeds?.length ?? 0) === 0 && input.attachments.length === 0 && components.length === 0) {
      throw new DomainError('CannotSendEmptyMessage');
    }
    if (input.attachments.length > 0 && !hasPermission(permissions, PermissionFlags.ATTACH_FILES)) throw new DomainError('MissingPermissions');

    const nonceKey = input.nonce !== undefined && input.enforce_nonce ? `${actor.id}:${input.nonce}` : null;
    if (nonceKey) {
      const seen = this.nonces.get(nonceKey);
      if (seen && seen.expiresAt > Date.now()) {
        const existing = await this.ctx.messages.get(channelId, seen.messageId);
        if (existing) return this.serialize(existing);
      }
    }

    const now = Date.now();
    if (channel.rate_limit_per_user > 0 && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES) && !hasPermission(permissions, PermissionFlags.MANAGE_CHANNELS)) {
      const key = `${channelId}:${actor.id}`;
      const last = this.slowmode.get(key) ?? 0;
      const waitMs = last + channel.rate_limit_per_user * 1000 - now;
      if (waitMs > 0) throw new RateLimitedError('SlowmodeRateLimited', waitMs / 1000);
      this.slowmode.set(key, now);
    }

    await this.ctx.messageGate?.beforeSend(actor, channel, content);

    let referenced: MessageRecord | null = null;
    if (input.message_reference?.message_id) {
      const refChannel = input.message_reference.channel_id ?? channelId;
      referenced = refChannel === channelId ? await this.ctx.messages.get(channelId, input.message_reference.message_id) : null;
      if (!referenced && input.message_reference.fail_if_not_exists !== false) {
        throw DomainError.invalidForm({ message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } });
      }
    }

    const mentions = this.resolveMentions(channel, actor, permissions, content, input.allowed_mentions, referenced);
    const id = this.ctx.ids.next();
    const record: MessageRecord = {
      id,
      channel_id: channelId,
      guild_id: channel.guild_id,
      author_id: actor.id,
      type: referenced ? MessageType.REPLY : MessageType.DEFAULT,
      content,
      edited_at: null,
      tts: (input.tts ?? false) && hasPermission(permissions, PermissionFlags.SEND_TTS_MESSAGES),
      mention_everyone: mentions.everyone,
      mentions: mentions.users,
      mention_roles: mentions.roles,
      attachments: input.attachments,
      embeds: input.embeds ?? [],
      components,
      pinned: false,
      pinned_at: null,
      flags: (input.flags ?? 0) & (MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS),
      reference: referenced ? { message_id: referenced.id, channel_id: channelId, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) } : null,
      webhook_id: null,
      application_id: null,
      nonce: input.nonce === undefined ? null : String(input.nonce),
      author_override: null,
      interaction: null,
    };
    await input.writeFiles?.();
    await this.persistAndAnnounce(record, channel, mentions.notify, referenced);
    if (nonceKey) {
      this.nonces.set(nonceKey, { messageId: id, expiresAt: now + NONCE_TTL_MS });
      if (this.nonces.size > 50_000) for (const [k, v] of this.nonces) if (v.expiresAt < now) this.nonces.delete(k);
    }
    return this.serialize(record, { referenced });
  }

  /** Stores a message (durably, before anyone is told), updates read states and dispatches MESSAGE_CREATE. */
  async persistAndAnnounce(record: MessageRecord, channel: ChannelRecord, notifyUserIds: readonly string[], referenced: MessageRecord | null): Promise<void> {
    // The author has read their own message; mentioned users get a mention on their read state
    // (not those who blocked the author). Issued together so that a batching store commits them in one transaction.
    const notify = notifyUserIds.filter((id) => id !== record.author_id && !hasBlocked(this.ctx.state, id, record.author_id));
    await Promise.all([
      this.ctx.messages.insert(record),
      this.ctx.meta.setLastMessageId(channel.id, record.id),
      this.ctx.meta.putReadState({ user_id: record.author_id, channel_id: channel.id, last_message_id: record.id, mention_count: 0 }),
      notify.length > 0 ? this.ctx.meta.incrementMentions(channel.id, notify) : undefined,
    ]);
    channel.last_message_id = record.id;
    dispatch(this.ctx, `c:${channel.id}`, 'MESSAGE_CREATE', this.serialize(record, { referenced, withMember: true }));
  }

  /**
   * Parses mentions from content and applies allowed_mentions and the MENTION_EVERYONE rules. Also
   * used for the messages bots send through webhooks and interaction responses.
   */
  resolveMentions(channel: ChannelRecord, actor: UserRecord, permissions: bigint, content: string, allowed: AllowedMentions | undefined, referenced: MessageRecord | null) {
    const parse = new Set(allowed ? allowed.parse ?? [] : ['users', 'roles', 'everyone']);
    const allowedUsers = new Set(allowed?.users ?? []);
    const allowedRoles = new Set(allowed?.roles ?? []);
    const users: string[] = [];
    for (const m of content.matchAll(USER_MENTION)) {
      const id = m[1]!;
      if (!this.ctx.state.users.has(id) || users.includes(id)) continue;
      users.push(id);
    }
    const notifyUsers = new Set(users.filter((id) => parse.has('users') || allowedUsers.has(id)));
    const g = channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined;
    const roles: string[] = [];
    const canMentionEveryone = hasPermission(permissions, PermissionFlags.MENTION_EVERYONE);
    if (g) {
      for (const m of content.matchAll(ROLE_MENTION)) {
        const role = g.roles.get(m[1]!);
        if (!role || roles.includes(role.id)) continue;
        if (!(parse.has('roles') || allowedRoles.has(role.id))) continue;
        if (!role.mentionable && !canMentionEveryone) continue;
        roles.push(role.id);
      }
    }
    const everyone = EVERYONE_MENTION.test(content) && parse.has('everyone') && canMentionEveryone;
    if (referenced && referenced.author_id !== actor.id && (allowed?.replied_user ?? !allowed)) {
      if (!users.includes(referenced.author_id)) users.push(referenced.author_id);
      notifyUsers.add(referenced.author_id);
    }
    // Who gets a mention count: notified users and members of mentioned roles who can see the channel; everyone for @everyone.
    // Permissions are checked per candidate: a plain message in a 19,000-member guild costs nothing here.
    const notify = new Set<string>();
    const canView = (userId: string) => (this.ctx.state.channelPermissions(channel, userId) & PermissionFlags.VIEW_CHANNEL) !== 0n;
    // Every message in a DM or group DM counts as a mention for its recipients, as on Discord.
    if (everyone || !channel.guild_id) for (const id of this.ctx.state.viewersOf(channel)) notify.add(id);
    else {
      for (const id of notifyUsers) if (canView(id)) notify.add(id);
      if (g && roles.length > 0) {
        for (const m of g.members.values()) if (!notify.has(m.user_id) && m.roles.some((r) => roles.includes(r)) && canView(m.user_id)) notify.add(m.user_id);
      }
    }
    return { users, roles, everyone, notify: [...notify] };
  }

  async history(actor: UserRecord, channelId: string, query: HistoryQuery): Promise<APIMessage[]> {
    const { permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (!hasPermission(permissions, PermissionFlags.READ_MESSAGE_HISTORY)) return [];
    const records = await this.ctx.messages.list(channelId, query);
    return this.serializeMany(channelId, records, actor.id);
  }

  private async serializeMany(channelId: string, records: MessageRecord[], viewerId: string): Promise<APIMessage[]> {
    if (records.length === 0) return [];
    const reactions = await this.ctx.messages.reactionSummaries(channelId, records.map((r) => r.id), viewerId);
    const byId = new Map(records.map((r) => [r.id, r]));
    const missingRefs = records.filter((r) => r.type === MessageType.REPLY && r.reference?.message_id && !byId.has(r.reference.message_id)).map((r) => r.reference!.message_id!);
    for (const ref of missingRefs.length ? await this.ctx.messages.getMany(channelId, [...new Set(missingRefs)]) : []) byId.set(ref.id, ref);
    return records.map((r) =>
      this.serialize(r, {
        reactions: reactions.get(r.id) ?? [],
        referenced: r.reference?.message_id ? byId.get(r.reference.message_id) ?? null : null,
      }),
    );
  }

  async getOne(actor: UserRecord, channelId: string, messageId: string): Promise<APIMessage> {
    const { permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (!hasPermission(permissions, PermissionFlags.READ_MESSAGE_HISTORY)) throw new DomainError('MissingAccess');
    const record = await this.ctx.messages.get(channelId, messageId);
    if (!record) throw new DomainError('UnknownMessage');
    return (await this.serializeMany(channelId, [record], actor.id))[0]!;
  }

  private async requireMessage(channelId: string, messageId: string): Promise<MessageRecord> {
    const record = await this.ctx.messages.get(channelId, messageId);
    if (!record) throw new DomainError('UnknownMessage');
    return record;
  }

  async edit(actor: UserRecord, channelId: string, messageId: string, patch: { content?: string | null | undefined; embeds?: unknown[] | null | undefined; flags?: number | null | undefined; components?: unknown[] | null | undefined; allowed_mentions?: AllowedMentions | null | undefined }): Promise<APIMessage> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    const record = await this.requireMessage(channelId, messageId);
    const own = record.author_id === actor.id;
    const components = componentsFrom(actor, patch.components);
    const touchesContent = patch.content !== undefined || patch.embeds !== undefined || components !== undefined;
    if (touchesContent && !own) throw new DomainError('CannotEditOtherUsersMessage');
    if (!own && patch.flags != null && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    const next: MessageRecord = { ...record };
    if (patch.content !== undefined) next.content = patch.content ?? '';
    if (patch.embeds !== undefined) next.embeds = patch.embeds ?? [];
    if (components !== undefined) next.components = components ?? [];
    if (patch.flags != null) next.flags = (record.flags & ~MessageFlags.SUPPRESS_EMBEDS) | (patch.flags & MessageFlags.SUPPRESS_EMBEDS);
    if (next.content.trim() === '' && next.embeds.length === 0 && next.attachments.length === 0 && next.components.length === 0) {
      throw new DomainError('CannotSendEmptyMessage');
    }
    if (patch.content !== undefined) {
      await this.ctx.messageGate?.beforeSend(actor, channel, next.content);
      const m = this.resolveMentions(channel, actor, permissions, next.content, patch.allowed_mentions ?? undefined, null);
      next.mentions = m.users;
      next.mention_roles = m.roles;
      next.mention_everyone = m.everyone;
    }
    if (touchesContent) next.edited_at = Date.now();
    await this.ctx.messages.update(next);
    const referenced = next.reference?.message_id ? await this.ctx.messages.get(channelId, next.reference.message_id) : null;
    const api = this.serialize(next, { referenced, withMember: true });
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_UPDATE', api);
    return api;
  }

  async delete(actor: UserRecord, channelId: string, messageId: string): Promise<void> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    const record = await this.requireMessage(channelId, messageId);
    if (record.author_id !== actor.id) {
      if (!channel.guild_id || !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    }
    await this.ctx.messages.delete(channelId, [messageId]);
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_DELETE', { id: messageId, channel_id: channelId, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) });
  }

  async bulkDelete(actor: UserRecord, channelId: string, ids: string[]): Promise<void> {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_MESSAGES);
    if (!channel.guild_id) throw new DomainError('CannotExecuteOnDMChannel');
    const unique = [...new Set(ids)];
    if (unique.length < 2 || unique.length > 100) throw new DomainError('TooFewOrTooManyMessagesToDelete');
    const cutoff = Date.now() - TWO_WEEKS_MS;
    if (unique.some((id) => snowflakeTimestampMs(id) < cutoff)) throw new DomainError('MessageTooOldToBulkDelete');
    const existing = await this.ctx.messages.getMany(channelId, unique);
    await this.ctx.messages.delete(channelId, existing.map((m) => m.id));
    if (existing.length > 0) dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_DELETE_BULK', { ids: existing.map((m) => m.id), channel_id: channelId, guild_id: channel.guild_id });
  }

  // Reactions

  async addReaction(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string): Promise<void> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.READ_MESSAGE_HISTORY);
    const emoji = parseEmoji(rawEmoji);
    const target = await this.requireMessage(channelId, messageId);
    // Discord refuses a reaction on a message whose author has blocked the reacting user.
    if (hasBlocked(this.ctx.state, target.author_id, actor.id)) throw new DomainError('ReactionBlocked');
    const existingUsers = await this.ctx.messages.reactionUsers(channelId, messageId, emoji, 1);
    if (existingUsers.length === 0) {
      // A new emoji on the message needs ADD_REACTIONS; joining an existing one does not.
      if (!hasPermission(permissions, PermissionFlags.ADD_REACTIONS)) throw new DomainError('MissingPermissions');
      if ((await this.ctx.messages.countReactionEmojis(channelId, messageId)) >= MAX_REACTION_EMOJIS) {
        throw new DomainError('MaxReactions');
      }
    }
    const added = await this.ctx.messages.addReaction(channelId, messageId, emoji, actor.id);
    if (!added) return;
    const g = channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined;
    const member = g?.members.get(actor.id);
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_ADD', {
      user_id: actor.id,
      channel_id: channelId,
      message_id: messageId,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      ...(member ? { member: memberToAPI(member, actor) } : {}),
      emoji: { id: null, name: emoji },
      burst: false,
      type: 0,
    });
  }

  async removeReaction(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string, targetUserId: string): Promise<void> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    const emoji = parseEmoji(rawEmoji);
    const userId = targetUserId === '@me' ? actor.id : targetUserId;
    if (userId !== actor.id && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    await this.requireMessage(channelId, messageId);
    const removed = await this.ctx.messages.removeReaction(channelId, messageId, emoji, userId);
    if (!removed) return;
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_REMOVE', {
      user_id: userId,
      channel_id: channelId,
      message_id: messageId,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      emoji: { id: null, name: emoji },
      burst: false,
      type: 0,
    });
  }

  async removeAllReactions(actor: UserRecord, channelId: string, messageId: string, rawEmoji?: string): Promise<void> {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_MESSAGES);
    await this.requireMessage(channelId, messageId);
    const guild = channel.guild_id ? { guild_id: channel.guild_id } : {};
    if (rawEmoji === undefined) {
      await this.ctx.messages.removeAllReactions(channelId, messageId);
      dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_REMOVE_ALL', { channel_id: channelId, message_id: messageId, ...guild });
    } else {
      const emoji = parseEmoji(rawEmoji);
      await this.ctx.messages.removeAllReactions(channelId, messageId, emoji);
      dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_REMOVE_EMOJI', { channel_id: channelId, message_id: messageId, ...guild, emoji: { id: null, name: emoji } });
    }
  }

  async reactionUsers(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string, limit: number, after?: string) {
    requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.READ_MESSAGE_HISTORY);
    const emoji = parseEmoji(rawEmoji);
    await this.requireMessage(channelId, messageId);
    const ids = await this.ctx.messages.reactionUsers(channelId, messageId, emoji, limit, after);
    return ids.map((id) => userToAPI(this.ctx.state.users.get(id)));
  }

  // Pins

  async pins(actor: UserRecord, channelId: string): Promise<APIMessage[]> {
    const { permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (!hasPermission(permissions, PermissionFlags.READ_MESSAGE_HISTORY)) return [];
    return this.serializeMany(channelId, await this.ctx.messages.listPinned(channelId), actor.id);
  }

  async setPinned(actor: UserRecord, channelId: string, messageId: string, pinned: boolean): Promise<void> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (channel.guild_id && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    const record = await this.requireMessage(channelId, messageId);
    if (record.pinned === pinned) return;
    if (pinned && (await this.ctx.messages.listPinned(channelId)).length >= MAX_PINS) {
      throw new DomainError('MaxPins');
    }
    const now = Date.now();
    const next = { ...record, pinned, pinned_at: pinned ? now : null };
    await this.ctx.messages.update(next);
    const pinnedList = await this.ctx.messages.listPinned(channelId);
    channel.last_pin_timestamp = pinnedList[0]?.pinned_at ? iso(pinnedList[0].pinned_at) : null;
    await this.ctx.meta.upsertChannel(channel);
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_UPDATE', this.serialize(next, { withMember: true }));
    dispatch(this.ctx, `c:${channelId}`, 'CHANNEL_PINS_UPDATE', { channel_id: channelId, last_pin_timestamp: channel.last_pin_timestamp, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) });
    if (pinned) {
      // The "X pinned a message" system message, as Discord posts it.
      const system = newMessageRecord({
        id: this.ctx.ids.next(),
        channel_id: channelId,
        guild_id: channel.guild_id,
        author_id: actor.id,
        type: MessageType.CHANNEL_PINNED_MESSAGE,
        reference: { message_id: messageId, channel_id: channelId, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) },
      });
      await this.persistAndAnnounce(system, channel, [], null);
    }
  }

  async typing(actor: UserRecord, channelId: string): Promise<void> {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    this.requireTextChannel(channel);
    const g = channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined;
    const member = g?.members.get(actor.id);
    dispatch(this.ctx, `c:${channelId}`, 'TYPING_START', {
      channel_id: channelId,
      user_id: actor.id,
      timestamp: Math.floor(Date.now() / 1000),
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      ...(member ? { member: memberToAPI(member, actor) } : {}),
    });
  }

  async ack(actor: UserRecord, channelId: string, messageId: string, mentionCount = 0): Promise<void> {
    requireVisibleChannel(this.ctx, channelId, actor);
    await this.ctx.meta.putReadState({ user_id: actor.id, channel_id: channelId, last_message_id: messageId, mention_count: mentionCount });
    dispatch(this.ctx, `u:${actor.id}`, 'MESSAGE_ACK', { channel_id: channelId, message_id: messageId, mention_count: mentionCount, version: Date.now() });
  }

  /** Publishes an announcement-channel message to every following channel, as a crosspost. */
  async crosspost(actor: UserRecord, channelId: string, messageId: string): Promise<APIMessage> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    if (channel.type !== ChannelType.GUILD_ANNOUNCEMENT) throw new DomainError('CannotSendMessagesInNonText', 'Only messages in announcement channels can be crossposted');
    const record = await this.requireMessage(channelId, messageId);
    if (record.author_id !== actor.id && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    if (record.flags & MessageFlags.CROSSPOSTED) throw new DomainError('AlreadyCrosspostedMessage');
    const source = this.ctx.state.guilds.get(channel.guild_id!)!;
    for (const follow of this.ctx.state.follows.get(channelId) ?? []) {
      const target = this.ctx.state.channels.get(follow.target_channel_id);
      if (!target) continue;
      const copy: MessageRecord = {
        ...record,
        id: this.ctx.ids.next(),
        channel_id: target.id,
        guild_id: target.guild_id,
        type: MessageType.DEFAULT,
        mentions: [],
        mention_roles: [],
        mention_everyone: false,
        pinned: false,
        pinned_at: null,
        flags: MessageFlags.IS_CROSSPOST,
        reference: { message_id: record.id, channel_id: channelId, guild_id: source.id },
        webhook_id: follow.webhook_id,
        nonce: null,
        author_override: { username: `${source.guild.name} #${channel.name ?? ''}`, avatar: source.guild.icon },
      };
      await this.persistAndAnnounce(copy, target, [], null);
    }
    const next = { ...record, flags: record.flags | MessageFlags.CROSSPOSTED };
    await this.ctx.messages.update(next);
    const api = this.serialize(next, { withMember: true });
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_UPDATE', api);
    return api;
  }

  async readStates(userId: string) {
    return this.ctx.meta.getReadStates(userId);
  }
}
