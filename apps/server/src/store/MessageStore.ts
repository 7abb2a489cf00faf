// Port for messages, reactions and pins: the hot, ever-growing data. SQLite implements it today;
// Cassandra/ScyllaDB (partitioned by channel and time bucket) is the cluster adapter. Every
// adapter runs the same contract suite (MessageStore.contract.ts).
import type { HistoryQuery, MessageRecord, ReactionSummary } from './records.ts';

export interface MessageStore {
  insert(message: MessageRecord): Promise<void>;
  update(message: MessageRecord): Promise<void>;
  get(channelId: string, messageId: string): Promise<MessageRecord | null>;
  getMany(channelId: string, messageIds: readonly string[]): Promise<MessageRecord[]>;
  /** Newest first, as Discord answers history. */
  list(channelId: string, query: HistoryQuery): Promise<MessageRecord[]>;
  listPinned(channelId: string): Promise<MessageRecord[]>;
  delete(channelId: string, messageIds: readonly string[]): Promise<number>;
  deleteByAuthorSince(guildChannelIds: readonly string[], authorId: string, sinceMessageId: string): Promise<{ channelId: string; ids: string[] }[]>;
  deleteChannel(channelId: string): Promise<void>;

  /** Returns false when the user had already reacted with that emoji. */
  addReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean>;
  removeReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean>;
  removeAllReactions(channelId: string, messageId: string, emoji?: string): Promise<void>;
  reactionUsers(channelId: string, messageId: string, emoji: string, limit: number, after?: string): Promise<string[]>;
  /** Per message: its reactions, with `me` for the viewer. */
  reactionSummaries(channelId: string, messageIds: readonly string[], viewerId: string): Promise<Map<string, ReactionSummary[]>>;
  countReactionEmojis(channelId: string, messageId: string): Promise<number>;
}
