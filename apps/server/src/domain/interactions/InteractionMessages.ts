// The messages an interaction's token reaches: the response, its follow-ups and the message a
// component sits on. Ephemeral ones (seen by the invoker alone) live here, in memory, for the
// token's 15 minutes and are never stored; the others go through the WebhookMessageWriter.
import { INTERACTION_TOKEN_TTL_MS, MessageFlags, MessageType, type WebhookMessageInput } from '@concord/protocol';
import type { ApplicationRecord } from '../../store/botRecords.ts';
import type { ChannelRecord, MessageRecord } from '../../store/records.ts';
import type { DomainContext } from '../DomainContext.ts';
import { DomainError } from '../DomainError.ts';
import { userToAPI } from '../serialize.ts';
import type { WebhookMessageAuthor, WebhookMessageWriter } from '../WebhookMessageWriter.ts';
import { checkFollowUp, wasDeferred } from './callbackStateMachine.ts';
import type { Interaction } from './Interaction.ts';

export class InteractionMessages {
  /** Ephemeral messages by id, with the one user who sees them: only here, never in storage. */
  private readonly ephemeral = new Map<string, { record: MessageRecord; userId: string; expiresAtMs: number }>();

  constructor(
    private readonly ctx: DomainContext,
    readonly writer: WebhookMessageWriter,
    private readonly nowMs: () => number,
  ) {}

  /** Drops expired ephemeral messages. */
  sweep(now: number): void {
    for (const [id, e] of this.ephemeral) if (e.expiresAtMs < now) this.ephemeral.delete(id);
  }

  /** When an ephemeral message `appMessage` would find here for this user in this channel expires; null when this node holds none. */
  ephemeralExpiry(messageId: string, userId: string, channelId: string): number | null {
    const eph = this.ephemeral.get(messageId);
    return eph && eph.userId === userId && eph.record.channel_id === channelId ? eph.expiresAtMs : null;
  }

  /** A message the app sent (stored, or ephemeral to this user) that a component was clicked on. */
  async appMessage(app: ApplicationRecord, botUserId: string, channel: ChannelRecord, messageId: string, userId: string): Promise<MessageRecord> {
    const eph = this.ephemeral.get(messageId);
    if (eph && eph.userId === userId && eph.record.channel_id === channel.id) return eph.record;
    const message = await this.ctx.messages.get(channel.id, messageId);
    if (!message) throw new DomainError('UnknownMessage');
    if (message.author_id !== botUserId && message.application_id !== app.id) throw DomainError.fieldError('message_id', 'INTERACTION_MESSAGE_INVALID', 'This message does not belong to the application');
    return message;
  }

  /** Posts a message as the interaction's bot (the response or a follow-up), ephemeral when its flags say so. */
  async create(i: Interaction, channel: ChannelRecord, body: WebhookMessageInput, loading: boolean): Promise<MessageRecord> {
    const bot = this.ctx.state.users.get(i.botUserId);
    if (!bot) throw new DomainError('UnknownUser');
    const ephemeral = ((body.flags ?? 0) & MessageFlags.EPHEMERAL) !== 0;
    const author: WebhookMessageAuthor = {
      authorId: bot.id,
      mentioner: bot,
      mentionPermissions: this.ctx.state.channelPermissions(channel, bot.id),
      webhookId: i.app.id,
      applicationId: i.app.id,
      override: null,
    };
    const invoker = this.ctx.state.users.get(i.userId);
    const metadata: Record<string, unknown> = {
      id: i.id,
      type: i.type,
      user: userToAPI(invoker),
      authorizing_integration_owners: { '0': i.guildId ?? '0' },
    };
    if (i.command) {
      metadata['name'] = i.command.name;
      metadata['command_type'] = i.command.type;
    }
    if (i.originalMessageId) metadata['original_response_message_id'] = i.originalMessageId;
    if (i.sourceMessageId) metadata['interacted_message_id'] = i.sourceMessageId;
    const type = i.command ? (i.command.type === 1 ? MessageType.CHAT_INPUT_COMMAND : MessageType.CONTEXT_MENU_COMMAND) : MessageType.DEFAULT;
    const record = await this.writer.create({ channel, author, body, type, interaction: metadata, loading, ephemeralTo: ephemeral ? i.userId : null });
    this.keep(i, record);
    return record;
  }

  /** Edits the message a component sits on (callback type 7). */
  async updateSource(i: Interaction, body: WebhookMessageInput): Promise<MessageRecord> {
    const source = await this.messageOf(i, i.sourceMessageId);
    const message = await this.writer.edit(source, body, this.ephemeralOwner(i, source));
    this.keep(i, message);
    return message;
  }

  private keep(i: Interaction, record: MessageRecord): void {
    i.messageIds.add(record.id);
    if (record.flags & MessageFlags.EPHEMERAL) this.ephemeral.set(record.id, { record, userId: i.userId, expiresAtMs: this.nowMs() + INTERACTION_TOKEN_TTL_MS });
  }

  private ephemeralOwner(i: Interaction, record: MessageRecord): string | null {
    return record.flags & MessageFlags.EPHEMERAL ? i.userId : null;
  }

  /** A message this interaction may read or change through its token. */
  private async messageOf(i: Interaction, messageId: string | null): Promise<MessageRecord> {
    if (!messageId) throw new DomainError('UnknownMessage');
    const eph = this.ephemeral.get(messageId);
    if (eph && eph.userId === i.userId) return eph.record;
    if (!i.messageIds.has(messageId) && messageId !== i.sourceMessageId && messageId !== i.originalMessageId) throw new DomainError('UnknownMessage');
    const record = await this.ctx.messages.get(i.channelId, messageId);
    if (!record) throw new DomainError('UnknownMessage');
    return record;
  }

  private resolveMessageId(i: Interaction, messageId: string): string | null {
    return messageId === '@original' ? i.originalMessageId : messageId;
  }

  /** GET /webhooks/:app/:token/messages/:id (or @original). */
  async get(i: Interaction, messageId: string) {
    return this.writer.serialize(await this.messageOf(i, this.resolveMessageId(i, messageId)));
  }

  /** PATCH /webhooks/:app/:token/messages/:id (or @original). */
  async edit(i: Interaction, messageId: string, patch: WebhookMessageInput) {
    const record = await this.messageOf(i, this.resolveMessageId(i, messageId));
    const next = await this.writer.edit(record, patch, this.ephemeralOwner(i, record));
    this.replaceKept(next);
    return this.writer.serialize(next);
  }

  private replaceKept(next: MessageRecord): void {
    const eph = this.ephemeral.get(next.id);
    if (eph) eph.record = next;
  }

  /** DELETE /webhooks/:app/:token/messages/:id (or @original). */
  async delete(i: Interaction, messageId: string): Promise<void> {
    const record = await this.messageOf(i, this.resolveMessageId(i, messageId));
    await this.writer.delete(record, this.ephemeralOwner(i, record));
    this.ephemeral.delete(record.id);
    if (i.originalMessageId === record.id) i.originalMessageId = null;
  }

  /**
   * POST /webhooks/:app/:token: a follow-up. Right after a deferred response, the first follow-up
   * fills in the placeholder instead (Discord keeps this for backwards compatibility).
   */
  async followUp(i: Interaction, body: WebhookMessageInput) {
    checkFollowUp(i.state);
    const channel = this.ctx.state.channels.get(i.channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    if (wasDeferred(i.state) && i.originalMessageId) {
      const original = await this.messageOf(i, i.originalMessageId);
      if (original.flags & MessageFlags.LOADING) return this.edit(i, '@original', body);
    }
    return this.writer.serialize(await this.create(i, channel, body, false));
  }
}
