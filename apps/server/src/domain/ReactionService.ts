// Reactions on messages: add (a new emoji needs ADD_REACTIONS, at most 20 emojis per message, not
// on a message of someone who blocked you), remove your own or, with MANAGE_MESSAGES, anyone's,
// clear them, and list who reacted. Unicode emojis only for now.
import { PermissionFlags, hasPermission } from '@concord/protocol';
import type { UserRecord } from '../store/records.ts';
import { dispatch, requireChannelPermission, requireVisibleChannel, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import { requireMessage } from './messageAccess.ts';
import { hasBlocked } from './RelationshipService.ts';
import { memberToAPI, userToAPI } from './serialize.ts';

const MAX_REACTION_EMOJIS = 20;

/** A unicode emoji (pictographs, flags, keycaps, with modifiers/ZWJ sequences), or name:id for a custom one. */
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)(?:[\uFE0F\u200D\p{Emoji_Modifier}\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3\u{E0020}-\u{E007F}])*$/u;

/** The emoji of a reaction path segment (URL-encoded); anything else is 10014. */
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

export class ReactionService {
  constructor(private readonly ctx: DomainContext) {}

  async add(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string): Promise<void> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.READ_MESSAGE_HISTORY);
    const emoji = parseEmoji(rawEmoji);
    const target = await requireMessage(this.ctx, channelId, messageId);
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

  async remove(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string, targetUserId: string): Promise<void> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    const emoji = parseEmoji(rawEmoji);
    const userId = targetUserId === '@me' ? actor.id : targetUserId;
    if (userId !== actor.id && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    await requireMessage(this.ctx, channelId, messageId);
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

  /** Clears every reaction of a message, or those of one emoji. */
  async removeAll(actor: UserRecord, channelId: string, messageId: string, rawEmoji?: string): Promise<void> {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_MESSAGES);
    await requireMessage(this.ctx, channelId, messageId);
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

  /** Who reacted with an emoji, paged by user id. */
  async users(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string, limit: number, after?: string) {
    requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.READ_MESSAGE_HISTORY);
    const emoji = parseEmoji(rawEmoji);
    await requireMessage(this.ctx, channelId, messageId);
    const ids = await this.ctx.messages.reactionUsers(channelId, messageId, emoji, limit, after);
    return ids.map((id) => userToAPI(this.ctx.state.users.get(id)));
  }
}
