// Crossposts: a message in an announcement channel published to every channel that follows it, as
// a copy posted by the follow's webhook under the source guild's name; the original is flagged
// CROSSPOSTED so it is published once.
import { ChannelType, MessageFlags, MessageType, PermissionFlags, hasPermission, type APIMessage } from '@concord/protocol';
import type { MessageRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireChannelPermission, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import { requireMessage, serializeMessage } from './messageAccess.ts';
import type { MessageService } from './MessageService.ts';

export class CrosspostService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly messages: MessageService,
  ) {}

  /** Publishes an announcement-channel message to every following channel, as a crosspost. */
  async crosspost(actor: UserRecord, channelId: string, messageId: string): Promise<APIMessage> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    if (channel.type !== ChannelType.GUILD_ANNOUNCEMENT) throw new DomainError('CannotSendMessagesInNonText', 'Only messages in announcement channels can be crossposted');
    const record = await requireMessage(this.ctx, channelId, messageId);
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
      await this.messages.persistAndAnnounce(copy, target, [], null);
    }
    const next = { ...record, flags: record.flags | MessageFlags.CROSSPOSTED };
    await this.ctx.messages.update(next);
    const api = serializeMessage(this.ctx, next, { withMember: true });
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_UPDATE', api);
    return api;
  }
}
