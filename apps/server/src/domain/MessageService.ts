// Messages: send (mentions, replies, allowed_mentions, slowmode, nonce), history paging, edit,
// delete and bulk delete, and storing a message with its read-state updates before MESSAGE_CREATE.
// Reactions, pins, typing, read states and crossposts have their own services beside this one.
import {
  MessageFlags,
  MessageType,
  PermissionFlags,
  hasPermission,
  snowflakeTimestampMs,
  type AllowedMentions,
  type APIMessage,
} from '@concord/protocol';
import type { AttachmentRecord, ChannelRecord, HistoryQuery, MessageRecord, StickerItemRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireChannelPermission, requireVisibleChannel, type DomainContext } from './DomainContext.ts';
import { DomainError, RateLimitedError } from './DomainError.ts';
import { checkStickerUse, restrictCustomEmoji } from './expressionUse.ts';
import { resolveMentions, type ResolvedMentions } from './mentions.ts';
import { assertContentLength, uploadLimitBytes } from './premium/entitlement.ts';
import { requireMessage, requireTextChannel, serializeMessage, serializeMessages, type SerializeExtra } from './messageAccess.ts';
import { hasBlocked, requireCanMessageIn } from './RelationshipService.ts';

const TWO_WEEKS_MS = 14 * 86_400_000;
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
  /** Up to 3 stickers (the schema bounds the list); each must be usable here (expressionUse.ts). */
  sticker_ids?: string[] | undefined;
  attachments: AttachmentRecord[];
  /** Writes the attachments' files: called after every check passed, just before the message is stored. */
  writeFiles?: (() => Promise<void>) | undefined;
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

  private serialize(m: MessageRecord, extra: SerializeExtra = {}): APIMessage {
    return serializeMessage(this.ctx, m, extra);
  }

  /** The checks of send() that come before any file is stored. */
  assertCanSend(actor: UserRecord, channelId: string): void {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    requireTextChannel(channel);
    requireCanMessageIn(this.ctx.state, actor, channel);
  }

  /** The largest file `actor` may attach in this channel: MAX_UPLOAD_BYTES raised by their Nitro and the guild's boost tier. */
  uploadLimitBytes(actor: UserRecord, channelId: string): number {
    const guildId = this.ctx.state.channels.get(channelId)?.guild_id;
    const guild = guildId ? this.ctx.state.guilds.get(guildId)?.guild ?? null : null;
    return uploadLimitBytes(this.ctx.maxUploadBytes, actor, guild);
  }

  async send(actor: UserRecord, channelId: string, input: SendMessageInput): Promise<APIMessage> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    requireTextChannel(channel);
    requireCanMessageIn(this.ctx.state, actor, channel);
    const content = input.content ?? '';
    assertContentLength(actor, content);
    const components = componentsFrom(actor, input.components) ?? [];
    const stickers = this.stickerItems(actor, channel, permissions, input.sticker_ids);
    if (content.trim().length === 0 && (input.embeds?.length ?? 0) === 0 && input.attachments.length === 0 && components.length === 0 && stickers.length === 0) {
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
      content: restrictCustomEmoji(this.ctx.state, actor, { guildId: channel.guild_id, permissions }, content),
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
      ...(stickers.length > 0 ? { sticker_items: stickers } : {}),
    };
    await input.writeFiles?.();
    await this.persistAndAnnounce(record, channel, mentions.notify, referenced);
    if (nonceKey) {
      this.nonces.set(nonceKey, { messageId: id, expiresAt: now + NONCE_TTL_MS });
      if (this.nonces.size > 50_000) for (const [k, v] of this.nonces) if (v.expiresAt < now) this.nonces.delete(k);
    }
    return this.serialize(record, { referenced });
  }

  /** The stickers of `sticker_ids`, each once: unknown ones are 10060, ones the sender may not use here 50081. */
  private stickerItems(actor: UserRecord, channel: ChannelRecord, permissions: bigint, ids: readonly string[] | undefined): StickerItemRecord[] {
    const items: StickerItemRecord[] = [];
    for (const id of new Set(ids ?? [])) {
      const use = checkStickerUse(this.ctx.state, actor, id, { guildId: channel.guild_id, permissions });
      if (!use.ok) throw new DomainError(use.reason === 'unknown' ? 'UnknownSticker' : 'InvalidStickerSent');
      items.push({ id, name: use.sticker.name, format_type: use.sticker.format_type });
    }
    return items;
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
  resolveMentions(channel: ChannelRecord, actor: UserRecord, permissions: bigint, content: string, allowed: AllowedMentions | undefined, referenced: MessageRecord | null): ResolvedMentions {
    return resolveMentions(this.ctx.state, channel, actor, permissions, content, allowed, referenced);
  }

  async history(actor: UserRecord, channelId: string, query: HistoryQuery): Promise<APIMessage[]> {
    const { permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (!hasPermission(permissions, PermissionFlags.READ_MESSAGE_HISTORY)) return [];
    const records = await this.ctx.messages.list(channelId, query);
    return serializeMessages(this.ctx, channelId, records, actor.id);
  }

  async getOne(actor: UserRecord, channelId: string, messageId: string): Promise<APIMessage> {
    const { permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (!hasPermission(permissions, PermissionFlags.READ_MESSAGE_HISTORY)) throw new DomainError('MissingAccess');
    const record = await this.ctx.messages.get(channelId, messageId);
    if (!record) throw new DomainError('UnknownMessage');
    return (await serializeMessages(this.ctx, channelId, [record], actor.id))[0]!;
  }

  async edit(actor: UserRecord, channelId: string, messageId: string, patch: { content?: string | null | undefined; embeds?: unknown[] | null | undefined; flags?: number | null | undefined; components?: unknown[] | null | undefined; allowed_mentions?: AllowedMentions | null | undefined }): Promise<APIMessage> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    const record = await requireMessage(this.ctx, channelId, messageId);
    const own = record.author_id === actor.id;
    const components = componentsFrom(actor, patch.components);
    const touchesContent = patch.content !== undefined || patch.embeds !== undefined || components !== undefined;
    if (touchesContent && !own) throw new DomainError('CannotEditOtherUsersMessage');
    if (!own && patch.flags != null && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    const next: MessageRecord = { ...record };
    if (patch.content !== undefined) {
      next.content = patch.content ?? '';
      assertContentLength(actor, next.content);
    }
    if (patch.embeds !== undefined) next.embeds = patch.embeds ?? [];
    if (components !== undefined) next.components = components ?? [];
    if (patch.flags != null) next.flags = (record.flags & ~MessageFlags.SUPPRESS_EMBEDS) | (patch.flags & MessageFlags.SUPPRESS_EMBEDS);
    if (next.content.trim() === '' && next.embeds.length === 0 && next.attachments.length === 0 && next.components.length === 0) {
      throw new DomainError('CannotSendEmptyMessage');
    }
    if (patch.content !== undefined) {
      next.content = restrictCustomEmoji(this.ctx.state, actor, { guildId: channel.guild_id, permissions }, next.content);
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
    const record = await requireMessage(this.ctx, channelId, messageId);
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
}
