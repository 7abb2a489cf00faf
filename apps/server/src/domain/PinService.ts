// Pinned messages: list them, pin (MANAGE_MESSAGES in a guild, at most 50 per channel, with the
// "X pinned a message" system message) and unpin; CHANNEL_PINS_UPDATE carries the newest pin time.
import { MessageType, PermissionFlags, hasPermission, type APIMessage } from '@concord/protocol';
import type { UserRecord } from '../store/records.ts';
import { dispatch, requireVisibleChannel, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import { requireMessage, serializeMessage, serializeMessages } from './messageAccess.ts';
import type { MessageService } from './MessageService.ts';
import { newMessageRecord } from './newMessageRecord.ts';
import { iso } from './serialize.ts';

const MAX_PINS = 50;

export class PinService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly messages: MessageService,
  ) {}

  async list(actor: UserRecord, channelId: string): Promise<APIMessage[]> {
    const { permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (!hasPermission(permissions, PermissionFlags.READ_MESSAGE_HISTORY)) return [];
    return serializeMessages(this.ctx, channelId, await this.ctx.messages.listPinned(channelId), actor.id);
  }

  async setPinned(actor: UserRecord, channelId: string, messageId: string, pinned: boolean): Promise<void> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    if (channel.guild_id && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    const record = await requireMessage(this.ctx, channelId, messageId);
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
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_UPDATE', serializeMessage(this.ctx, next, { withMember: true }));
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
      await this.messages.persistAndAnnounce(system, channel, [], null);
    }
  }
}
