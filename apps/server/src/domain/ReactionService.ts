// Reactions on messages: add (a new emoji needs ADD_REACTIONS, at most 20 emojis per message, not
// on a message of someone who blocked you), remove your own or, with MANAGE_MESSAGES, anyone's,
// clear them, and list who reacted. Unicode emoji, or a guild's custom emoji as `name:id` (adding
// one follows expressionUse.ts: unknown 10014; another guild's without Nitro, or role-locked, 50013).
import { PermissionFlags, hasPermission, type APIEmoji } from '@concord/protocol';
import type { ChannelRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireChannelPermission, requireVisibleChannel, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { DomainState } from './DomainState.ts';
import { checkEmojiUse } from './expressionUse.ts';
import { requireMessage } from './messageAccess.ts';
import { hasBlocked } from './RelationshipService.ts';
import { memberToAPI, userToAPI } from './serialize.ts';

const MAX_REACTION_EMOJIS = 20;

/** A unicode emoji (pictographs, flags, keycaps, with modifiers/ZWJ sequences), or name:id for a custom one. */
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)(?:[\uFE0F\u200D\p{Emoji_Modifier}\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3\u{E0020}-\u{E007F}])*$/u;

/** `name:id` or `a:name:id` (discord.js sends the latter for animated emoji); Discord ignores the name, so any is accepted. */
const CUSTOM_EMOJI = /^(?:a:)?([A-Za-z0-9_~]{1,32}):(\d{15,20})$/;

/** A reaction's emoji: the key it is stored under, and how events and lists show it. */
export interface ReactionEmoji {
  key: string;
  api: APIEmoji;
  /** The custom emoji's id, null for a unicode one. */
  customId: string | null;
}

/**
 * The emoji of a reaction path segment (URL-encoded); anything else is 10014. A custom emoji known
 * here is keyed by its current name (`name:id`), so every spelling of it counts as one reaction.
 */
export function parseEmoji(raw: string, state?: DomainState): ReactionEmoji {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new DomainError('UnknownEmoji');
  }
  if (value.length > 0 && value.length <= 64 && UNICODE_EMOJI.test(value)) return { key: value, api: { id: null, name: value }, customId: null };
  const custom = CUSTOM_EMOJI.exec(value);
  if (!custom) throw new DomainError('UnknownEmoji');
  const id = custom[2]!;
  const known = state?.emojis.get(id);
  const name = known?.name ?? custom[1]!;
  return { key: `${name}:${id}`, api: { id, name, animated: known?.animated ?? value.startsWith('a:') }, customId: id };
}

/** Adding a custom emoji reaction: the emoji must exist and be usable by `actor` in this channel. */
function requireUsableEmoji(state: DomainState, actor: UserRecord, channel: ChannelRecord, permissions: bigint, emoji: ReactionEmoji): void {
  if (emoji.customId === null) return;
  const use = checkEmojiUse(state, actor, emoji.customId, { guildId: channel.guild_id, permissions });
  if (use.ok) return;
  throw new DomainError(use.reason === 'unknown' || use.reason === 'unavailable' ? 'UnknownEmoji' : 'MissingPermissions');
}

export class ReactionService {
  constructor(private readonly ctx: DomainContext) {}

  async add(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string): Promise<void> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.READ_MESSAGE_HISTORY);
    const emoji = parseEmoji(rawEmoji, this.ctx.state);
    requireUsableEmoji(this.ctx.state, actor, channel, permissions, emoji);
    const target = await requireMessage(this.ctx, channelId, messageId);
    // Discord refuses a reaction on a message whose author has blocked the reacting user.
    if (hasBlocked(this.ctx.state, target.author_id, actor.id)) throw new DomainError('ReactionBlocked');
    const existingUsers = await this.ctx.messages.reactionUsers(channelId, messageId, emoji.key, 1);
    if (existingUsers.length === 0) {
      // A new emoji on the message needs ADD_REACTIONS; joining an existing one does not.
      if (!hasPermission(permissions, PermissionFlags.ADD_REACTIONS)) throw new DomainError('MissingPermissions');
      if ((await this.ctx.messages.countReactionEmojis(channelId, messageId)) >= MAX_REACTION_EMOJIS) {
        throw new DomainError('MaxReactions');
      }
    }
    const added = await this.ctx.messages.addReaction(channelId, messageId, emoji.key, actor.id);
    if (!added) return;
    const g = channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined;
    const member = g?.members.get(actor.id);
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_ADD', {
      user_id: actor.id,
      channel_id: channelId,
      message_id: messageId,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      ...(member ? { member: memberToAPI(member, actor) } : {}),
      emoji: emoji.api,
      burst: false,
      type: 0,
    });
  }

  async remove(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string, targetUserId: string): Promise<void> {
    const { channel, permissions } = requireVisibleChannel(this.ctx, channelId, actor);
    const emoji = parseEmoji(rawEmoji, this.ctx.state);
    const userId = targetUserId === '@me' ? actor.id : targetUserId;
    if (userId !== actor.id && !hasPermission(permissions, PermissionFlags.MANAGE_MESSAGES)) throw new DomainError('MissingPermissions');
    await requireMessage(this.ctx, channelId, messageId);
    const removed = await this.ctx.messages.removeReaction(channelId, messageId, emoji.key, userId);
    if (!removed) return;
    dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_REMOVE', {
      user_id: userId,
      channel_id: channelId,
      message_id: messageId,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      emoji: emoji.api,
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
      const emoji = parseEmoji(rawEmoji, this.ctx.state);
      await this.ctx.messages.removeAllReactions(channelId, messageId, emoji.key);
      dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_REACTION_REMOVE_EMOJI', { channel_id: channelId, message_id: messageId, ...guild, emoji: emoji.api });
    }
  }

  /** Who reacted with an emoji, paged by user id. */
  async users(actor: UserRecord, channelId: string, messageId: string, rawEmoji: string, limit: number, after?: string) {
    requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.READ_MESSAGE_HISTORY);
    const emoji = parseEmoji(rawEmoji, this.ctx.state);
    await requireMessage(this.ctx, channelId, messageId);
    const ids = await this.ctx.messages.reactionUsers(channelId, messageId, emoji.key, limit, after);
    return ids.map((id) => userToAPI(this.ctx.state.users.get(id)));
  }
}
