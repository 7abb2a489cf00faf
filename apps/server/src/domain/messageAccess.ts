// What the message services share: the text-channel rule, fetching a message or 10008, and
// serializing messages for REST (with reactions and reply targets fetched in one round each).
import { ChannelType, MessageType, type APIMessage } from '@concord/protocol';
import type { ChannelRecord, MessageRecord, ReactionSummary } from '../store/records.ts';
import type { DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import { messageToAPI } from './serialize.ts';

/** Text-capable channels: messages can be sent in them. */
const TEXT_TYPES: ReadonlySet<number> = new Set([ChannelType.GUILD_TEXT, ChannelType.DM, ChannelType.GUILD_VOICE, ChannelType.GROUP_DM, ChannelType.GUILD_ANNOUNCEMENT]);

export function requireTextChannel(channel: ChannelRecord): void {
  if (!TEXT_TYPES.has(channel.type)) throw new DomainError('CannotSendMessagesInNonText');
}

export async function requireMessage(ctx: DomainContext, channelId: string, messageId: string): Promise<MessageRecord> {
  const record = await ctx.messages.get(channelId, messageId);
  if (!record) throw new DomainError('UnknownMessage');
  return record;
}

export interface SerializeExtra {
  referenced?: MessageRecord | null;
  withMember?: boolean;
  reactions?: ReactionSummary[];
}

export function serializeMessage(ctx: DomainContext, m: MessageRecord, extra: SerializeExtra = {}): APIMessage {
  return messageToAPI(m, { state: ctx.state, baseUrl: ctx.publicUrl(), ...extra });
}

/** Messages of one channel as `viewerId` sees them: their reactions (with `me`) and the messages they reply to. */
export async function serializeMessages(ctx: DomainContext, channelId: string, records: MessageRecord[], viewerId: string): Promise<APIMessage[]> {
  if (records.length === 0) return [];
  const reactions = await ctx.messages.reactionSummaries(channelId, records.map((r) => r.id), viewerId);
  const byId = new Map(records.map((r) => [r.id, r]));
  const missingRefs = records.filter((r) => r.type === MessageType.REPLY && r.reference?.message_id && !byId.has(r.reference.message_id)).map((r) => r.reference!.message_id!);
  for (const ref of missingRefs.length ? await ctx.messages.getMany(channelId, [...new Set(missingRefs)]) : []) byId.set(ref.id, ref);
  return records.map((r) =>
    serializeMessage(ctx, r, {
      reactions: reactions.get(r.id) ?? [],
      referenced: r.reference?.message_id ? byId.get(r.reference.message_id) ?? null : null,
    }),
  );
}
