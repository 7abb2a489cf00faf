// Messages that arrive through webhooks: executed channel webhooks and interaction responses and
// follow-ups. They skip the member permission checks of POST /channels/:id/messages (the token is
// the authorization) but get the same mention rules, storage and MESSAGE_CREATE fan-out. Ephemeral
// messages are never stored: they are dispatched to the one user who may see them, and the caller
// keeps the record for later edits.
import { MessageFlags, type APIMessage, type WebhookMessageInput } from '@concord/protocol';
import { DomainError } from './DomainError.ts';
import type { ChannelRecord, MessageRecord, UserRecord } from '../store/records.ts';
import { dispatch, type DomainContext } from './DomainContext.ts';
import type { MessageService } from './MessageService.ts';
import { messageToAPI } from './serialize.ts';

export interface WebhookMessageAuthor {
  /** The user the message is stored under: the bot for interactions, the webhook id for webhooks. */
  authorId: string;
  /** Whose mention permissions apply (the bot, or the webhook's creator). */
  mentioner: UserRecord;
  mentionPermissions: bigint;
  webhookId: string;
  applicationId: string | null;
  override: { username: string; avatar: string | null } | null;
}

export interface CreateWebhookMessage {
  channel: ChannelRecord;
  author: WebhookMessageAuthor;
  body: WebhookMessageInput;
  type: number;
  /** interaction_metadata of interaction responses. */
  interaction: unknown;
  /** The "Bot is thinking..." placeholder of a deferred response (empty, LOADING flag). */
  loading: boolean;
  /** Set for an ephemeral message: the only user it is delivered to. */
  ephemeralTo: string | null;
}

/** Flags a sender may set on a webhook message. */
const SENDABLE_FLAGS = MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS | MessageFlags.EPHEMERAL;

export class WebhookMessageWriter {
  constructor(
    private readonly ctx: DomainContext,
    private readonly messages: MessageService,
  ) {}

  serialize(m: MessageRecord): APIMessage {
    return messageToAPI(m, { state: this.ctx.state, baseUrl: this.ctx.publicUrl() });
  }

  async create(o: CreateWebhookMessage): Promise<MessageRecord> {
    const b = o.body;
    const content = b.content ?? '';
    const embeds = b.embeds ?? [];
    const components = b.components ?? [];
    if (!o.loading && content.trim() === '' && embeds.length === 0 && components.length === 0) {
      throw new DomainError('CannotSendEmptyMessage');
    }
    const mentions = this.messages.resolveMentions(o.channel, o.author.mentioner, o.author.mentionPermissions, content, b.allowed_mentions ?? undefined, null);
    const flags = ((b.flags ?? 0) & SENDABLE_FLAGS) | (o.ephemeralTo ? MessageFlags.EPHEMERAL : 0) | (o.loading ? MessageFlags.LOADING : 0);
    const record: MessageRecord = {
      id: this.ctx.ids.next(),
      channel_id: o.channel.id,
      guild_id: o.channel.guild_id,
      author_id: o.author.authorId,
      type: o.type,
      content,
      edited_at: null,
      tts: b.tts ?? false,
      mention_everyone: mentions.everyone,
      mentions: mentions.users,
      mention_roles: mentions.roles,
      attachments: [],
      embeds,
      components,
      pinned: false,
      pinned_at: null,
      flags,
      reference: null,
      webhook_id: o.author.webhookId,
      application_id: o.author.applicationId,
      nonce: null,
      author_override: o.author.override,
      interaction: o.interaction,
    };
    if (o.ephemeralTo) dispatch(this.ctx, `u:${o.ephemeralTo}`, 'MESSAGE_CREATE', this.serialize(record));
    else await this.messages.persistAndAnnounce(record, o.channel, mentions.notify, null);
    return record;
  }

  /** Edits content, embeds, components and SUPPRESS_EMBEDS; the first edit of a placeholder fills it in. */
  async edit(record: MessageRecord, patch: WebhookMessageInput, ephemeralTo: string | null): Promise<MessageRecord> {
    const channel = this.ctx.state.channels.get(record.channel_id);
    if (!channel) throw new DomainError('UnknownChannel');
    const wasLoading = (record.flags & MessageFlags.LOADING) !== 0;
    const next: MessageRecord = { ...record, flags: record.flags & ~MessageFlags.LOADING };
    if (patch.content !== undefined) next.content = patch.content ?? '';
    if (patch.embeds !== undefined) next.embeds = patch.embeds ?? [];
    if (patch.components !== undefined) next.components = patch.components ?? [];
    if (patch.flags != null) next.flags = (next.flags & ~MessageFlags.SUPPRESS_EMBEDS) | (patch.flags & MessageFlags.SUPPRESS_EMBEDS);
    if (next.content.trim() === '' && next.embeds.length === 0 && next.components.length === 0 && next.attachments.length === 0) {
      throw new DomainError('CannotSendEmptyMessage');
    }
    if (patch.content !== undefined) {
      const author = this.ctx.state.users.get(record.author_id);
      if (author) {
        const m = this.messages.resolveMentions(channel, author, this.ctx.state.channelPermissions(channel, author.id), next.content, patch.allowed_mentions ?? undefined, null);
        next.mentions = m.users;
        next.mention_roles = m.roles;
        next.mention_everyone = m.everyone;
      }
    }
    // Filling in a deferred placeholder is its first content, not an edit.
    if (!wasLoading) next.edited_at = Date.now();
    if (ephemeralTo) {
      dispatch(this.ctx, `u:${ephemeralTo}`, 'MESSAGE_UPDATE', this.serialize(next));
      return next;
    }
    await this.ctx.messages.update(next);
    dispatch(this.ctx, `c:${record.channel_id}`, 'MESSAGE_UPDATE', this.serialize(next));
    return next;
  }

  async delete(record: MessageRecord, ephemeralTo: string | null): Promise<void> {
    const payload = { id: record.id, channel_id: record.channel_id, ...(record.guild_id ? { guild_id: record.guild_id } : {}) };
    if (ephemeralTo) {
      dispatch(this.ctx, `u:${ephemeralTo}`, 'MESSAGE_DELETE', payload);
      return;
    }
    await this.ctx.messages.delete(record.channel_id, [record.id]);
    dispatch(this.ctx, `c:${record.channel_id}`, 'MESSAGE_DELETE', payload);
  }
}
