// MessageStore on SQLite. Ids are INTEGER columns (numeric order for paging) read back as text,
// because snowflakes exceed 2^53 and would lose digits as JS numbers.
import type { MessageStore } from '../MessageStore.ts';
import type { HistoryQuery, MessageRecord, ReactionSummary } from '../records.ts';
import { WriteBatcher, type SqliteDb } from './SqliteDatabase.ts';
import { strOrNull, type Row, type SqlValue } from './sqliteRow.ts';


// Careful: the text alias `id` shadows the column in ORDER BY; queries order by `messages.id`.
const COLUMNS = `CAST(id AS TEXT) AS id, CAST(channel_id AS TEXT) AS channel_id, guild_id, author_id, type, content, edited_at, tts,
  mention_everyone, mentions, mention_roles, attachments, embeds, components, pinned, pinned_at, flags, reference,
  webhook_id, application_id, nonce, author_override, interaction, sticker_items, call`;

const parseJson = <T>(v: SqlValue | undefined, fallback: T): T => (v === null || v === undefined ? fallback : (JSON.parse(String(v)) as T));
const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const emptyToNull = (v: unknown[]): string | null => (v.length === 0 ? null : JSON.stringify(v));

function fromRow(r: Row): MessageRecord {
  return {
    id: String(r['id']),
    channel_id: String(r['channel_id']),
    guild_id: strOrNull(r['guild_id']),
    author_id: String(r['author_id']),
    type: Number(r['type']),
    content: String(r['content']),
    edited_at: r['edited_at'] === null ? null : Number(r['edited_at']),
    tts: r['tts'] === 1,
    mention_everyone: r['mention_everyone'] === 1,
    mentions: parseJson(r['mentions'], []),
    mention_roles: parseJson(r['mention_roles'], []),
    attachments: parseJson(r['attachments'], []),
    embeds: parseJson(r['embeds'], []),
    components: parseJson(r['components'], []),
    pinned: r['pinned'] === 1,
    pinned_at: r['pinned_at'] === null ? null : Number(r['pinned_at']),
    flags: Number(r['flags']),
    reference: parseJson(r['reference'], null),
    webhook_id: strOrNull(r['webhook_id']),
    application_id: strOrNull(r['application_id']),
    nonce: strOrNull(r['nonce']),
    author_override: parseJson(r['author_override'], null),
    interaction: parseJson(r['interaction'], null),
    ...(r['sticker_items'] === null || r['sticker_items'] === undefined ? {} : { sticker_items: parseJson(r['sticker_items'], []) }),
    ...(r['call'] === null || r['call'] === undefined ? {} : { call: parseJson(r['call'], { participants: [], ended_at: null }) }),
  };
}

function toParams(m: MessageRecord) {
  return {
    id: BigInt(m.id),
    channel_id: BigInt(m.channel_id),
    guild_id: m.guild_id,
    author_id: m.author_id,
    type: m.type,
    content: m.content,
    edited_at: m.edited_at,
    tts: m.tts ? 1 : 0,
    mention_everyone: m.mention_everyone ? 1 : 0,
    mentions: emptyToNull(m.mentions),
    mention_roles: emptyToNull(m.mention_roles),
    attachments: emptyToNull(m.attachments),
    embeds: emptyToNull(m.embeds),
    components: emptyToNull(m.components),
    pinned: m.pinned ? 1 : 0,
    pinned_at: m.pinned_at,
    flags: m.flags,
    reference: jsonOrNull(m.reference),
    webhook_id: m.webhook_id,
    application_id: m.application_id,
    nonce: m.nonce,
    author_override: jsonOrNull(m.author_override),
    interaction: jsonOrNull(m.interaction),
    sticker_items: emptyToNull(m.sticker_items ?? []),
    call: jsonOrNull(m.call),
  };
}

export class SqliteMessageStore implements MessageStore {
  private readonly s;

  constructor(
    private readonly db: SqliteDb,
    private readonly writes: WriteBatcher = new WriteBatcher(db),
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO messages (id, channel_id, guild_id, author_id, type, content, edited_at, tts, mention_everyone, mentions, mention_roles,
         attachments, embeds, components, pinned, pinned_at, flags, reference, webhook_id, application_id, nonce, author_override, interaction, sticker_items, call)
         VALUES (@id, @channel_id, @guild_id, @author_id, @type, @content, @edited_at, @tts, @mention_everyone, @mentions, @mention_roles,
         @attachments, @embeds, @components, @pinned, @pinned_at, @flags, @reference, @webhook_id, @application_id, @nonce, @author_override, @interaction, @sticker_items, @call)`,
      ),
      update: db.prepare(
        `UPDATE messages SET content=@content, edited_at=@edited_at, mention_everyone=@mention_everyone, mentions=@mentions,
         mention_roles=@mention_roles, attachments=@attachments, embeds=@embeds, components=@components, pinned=@pinned,
         pinned_at=@pinned_at, flags=@flags, interaction=@interaction, call=@call WHERE id=@id AND channel_id=@channel_id`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE id = ? AND channel_id = ?`),
      latest: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? ORDER BY messages.id DESC LIMIT ?`),
      before: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND messages.id < ? ORDER BY messages.id DESC LIMIT ?`),
      after: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND messages.id > ? ORDER BY messages.id ASC LIMIT ?`),
      atOrBefore: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND messages.id <= ? ORDER BY messages.id DESC LIMIT ?`),
      pinned: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND pinned = 1 ORDER BY pinned_at DESC`),
      delete: db.prepare(`DELETE FROM messages WHERE id = ? AND channel_id = ?`),
      deleteReactionsOf: db.prepare(`DELETE FROM reactions WHERE message_id = ?`),
      deleteChannel: db.prepare(`DELETE FROM messages WHERE channel_id = ?`),
      deleteChannelReactions: db.prepare(`DELETE FROM reactions WHERE channel_id = ?`),
      byAuthorSince: db.prepare(`SELECT CAST(id AS TEXT) AS id FROM messages WHERE channel_id = ? AND author_id = ? AND id >= ?`),
      addReaction: db.prepare(`INSERT OR IGNORE INTO reactions (message_id, emoji, user_id, channel_id, created_at) VALUES (?, ?, ?, ?, ?)`),
      removeReaction: db.prepare(`DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?`),
      removeEmoji: db.prepare(`DELETE FROM reactions WHERE message_id = ? AND emoji = ?`),
      reactionUsers: db.prepare(`SELECT user_id FROM reactions WHERE message_id = ? AND emoji = ? ORDER BY created_at, user_id LIMIT ?`),
      reactionUsersAfter: db.prepare(
        `SELECT user_id FROM reactions WHERE message_id = ? AND emoji = ? AND CAST(user_id AS INTEGER) > CAST(? AS INTEGER) ORDER BY CAST(user_id AS INTEGER) LIMIT ?`,
      ),
      summariesMany: db.prepare(
        `SELECT CAST(message_id AS TEXT) AS message_id, emoji, COUNT(*) AS count, MAX(user_id = ?) AS me, MIN(created_at) AS first
         FROM reactions WHERE message_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) GROUP BY message_id, emoji ORDER BY message_id, first`,
      ),
      countEmojis: db.prepare(`SELECT COUNT(DISTINCT emoji) AS n FROM reactions WHERE message_id = ?`),
    };
  }

  insert(message: MessageRecord): Promise<void> {
    const params = toParams(message);
    return this.writes.run(() => {
      this.s.insert.run(params);
    });
  }

  update(message: MessageRecord): Promise<void> {
    const params = toParams(message);
    return this.writes.run(() => {
      this.s.update.run(params);
    });
  }

  async get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    const row = this.s.get.get(BigInt(messageId), BigInt(channelId)) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async getMany(channelId: string, messageIds: readonly string[]): Promise<MessageRecord[]> {
    const out: MessageRecord[] = [];
    for (const id of messageIds) {
      const row = this.s.get.get(BigInt(id), BigInt(channelId)) as Row | undefined;
      if (row) out.push(fromRow(row));
    }
    return out;
  }

  async list(channelId: string, q: HistoryQuery): Promise<MessageRecord[]> {
    const ch = BigInt(channelId);
    let rows: Row[];
    if (q.around !== undefined) {
      // Discord: half the limit before (including the message itself), half after.
      const olderCount = Math.ceil(q.limit / 2);
      const older = this.s.atOrBefore.all(ch, BigInt(q.around), olderCount) as Row[];
      const newer = (this.s.after.all(ch, BigInt(q.around), q.limit - older.length) as Row[]).reverse();
      rows = [...newer, ...older];
    } else if (q.after !== undefined) {
      rows = (this.s.after.all(ch, BigInt(q.after), q.limit) as Row[]).reverse();
    } else if (q.before !== undefined) {
      rows = this.s.before.all(ch, BigInt(q.before), q.limit) as Row[];
    } else {
      rows = this.s.latest.all(ch, q.limit) as Row[];
    }
    return rows.map(fromRow);
  }

  async listPinned(channelId: string): Promise<MessageRecord[]> {
    return (this.s.pinned.all(BigInt(channelId)) as Row[]).map(fromRow);
  }

  async delete(channelId: string, messageIds: readonly string[]): Promise<number> {
    let deleted = 0;
    this.db.transaction(() => {
      for (const id of messageIds) {
        const n = this.s.delete.run(BigInt(id), BigInt(channelId)).changes;
        if (n > 0) {
          this.s.deleteReactionsOf.run(BigInt(id));
          deleted += n;
        }
      }
    })();
    return deleted;
  }

  async deleteByAuthorSince(channelIds: readonly string[], authorId: string, sinceMessageId: string): Promise<{ channelId: string; ids: string[] }[]> {
    const out: { channelId: string; ids: string[] }[] = [];
    this.db.transaction(() => {
      for (const channelId of channelIds) {
        const ids = (this.s.byAuthorSince.all(BigInt(channelId), authorId, BigInt(sinceMessageId)) as Row[]).map((r) => String(r['id']));
        if (ids.length === 0) continue;
        for (const id of ids) {
          this.s.delete.run(BigInt(id), BigInt(channelId));
          this.s.deleteReactionsOf.run(BigInt(id));
        }
        out.push({ channelId, ids });
      }
    })();
    return out;
  }

  async deleteChannel(channelId: string): Promise<void> {
    this.db.transaction(() => {
      this.s.deleteChannelReactions.run(BigInt(channelId));
      this.s.deleteChannel.run(BigInt(channelId));
    })();
  }

  /** Reaction order is first-come: a strictly increasing stamp (microseconds), even within one millisecond. */
  private reactionStamp = 0;

  async addReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean> {
    this.reactionStamp = Math.max(Date.now() * 1000, this.reactionStamp + 1);
    return this.s.addReaction.run(BigInt(messageId), emoji, userId, BigInt(channelId), this.reactionStamp).changes === 1;
  }

  async removeReaction(_channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean> {
    return this.s.removeReaction.run(BigInt(messageId), emoji, userId).changes === 1;
  }

  async removeAllReactions(_channelId: string, messageId: string, emoji?: string): Promise<void> {
    if (emoji === undefined) this.s.deleteReactionsOf.run(BigInt(messageId));
    else this.s.removeEmoji.run(BigInt(messageId), emoji);
  }

  async reactionUsers(_channelId: string, messageId: string, emoji: string, limit: number, after?: string): Promise<string[]> {
    const rows = after
      ? (this.s.reactionUsersAfter.all(BigInt(messageId), emoji, after, limit) as Row[])
      : (this.s.reactionUsers.all(BigInt(messageId), emoji, limit) as Row[]);
    return rows.map((r) => String(r['user_id']));
  }

  async reactionSummaries(_channelId: string, messageIds: readonly string[], viewerId: string): Promise<Map<string, ReactionSummary[]>> {
    // One query for the whole page (a history page is 50 messages).
    const out = new Map<string, ReactionSummary[]>();
    if (messageIds.length === 0) return out;
    const rows = this.s.summariesMany.all(viewerId, JSON.stringify(messageIds)) as Row[];
    for (const r of rows) {
      const id = String(r['message_id']);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push({ emoji: String(r['emoji']), count: Number(r['count']), me: r['me'] === 1 });
    }
    return out;
  }

  async countReactionEmojis(_channelId: string, messageId: string): Promise<number> {
    return Number((this.s.countEmojis.get(BigInt(messageId)) as Row)['n']);
  }
}
