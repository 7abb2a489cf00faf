// Typing indicators: TYPING_START to the channel's viewers, for whoever may send messages there.
// Nothing is stored; clients expire the indicator themselves.
import { PermissionFlags } from '@concord/protocol';
import type { UserRecord } from '../store/records.ts';
import { dispatch, requireChannelPermission, type DomainContext } from './DomainContext.ts';
import { requireTextChannel } from './messageAccess.ts';
import { memberToAPI } from './serialize.ts';

export class TypingService {
  constructor(private readonly ctx: DomainContext) {}

  start(actor: UserRecord, channelId: string): void {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.SEND_MESSAGES);
    requireTextChannel(channel);
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
}
