// ExpressionStore on SQLite: one row per emoji and per sticker (tables from the issue-21 migration).
import type { EmojiRecord, ExpressionStore, StickerRecord } from '../ExpressionStore.ts';
import type { SqliteDb } from './SqliteDatabase.ts';
import { strOrNull, type Row } from './sqliteRow.ts';

/** The stored roles column: a JSON array of ids written by this adapter; anything else reads as no roles. */
function rolesFrom(v: Row[string] | undefined): string[] {
  const parsed: unknown = JSON.parse(typeof v === 'string' ? v : '[]');
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

function emojiFromRow(r: Row): EmojiRecord {
  return {
    id: String(r['id']),
    guild_id: String(r['guild_id']),
    name: String(r['name']),
    animated: Number(r['animated']) === 1,
    available: Number(r['available']) === 1,
    roles: rolesFrom(r['roles']),
    user_id: strOrNull(r['user_id']),
    created_at: Number(r['created_at']),
    image_sha256: String(r['image_sha256']),
    image_type: String(r['image_type']),
  };
}

function stickerFromRow(r: Row): StickerRecord {
  return {
    id: String(r['id']),
    guild_id: String(r['guild_id']),
    name: String(r['name']),
    description: strOrNull(r['description']),
    tags: String(r['tags']),
    format_type: Number(r['format_type']),
    available: Number(r['available']) === 1,
    user_id: strOrNull(r['user_id']),
    created_at: Number(r['created_at']),
    file_sha256: String(r['file_sha256']),
  };
}

export class SqliteExpressionStore implements ExpressionStore {
  private readonly stmt;

  constructor(private readonly db: SqliteDb) {
    this.stmt = {
      listEmojis: db.prepare('SELECT * FROM emojis'),
      upsertEmoji: db.prepare(
        `INSERT INTO emojis (id, guild_id, name, animated, available, roles, user_id, created_at, image_sha256, image_type)
         VALUES (@id, @guild_id, @name, @animated, @available, @roles, @user_id, @created_at, @image_sha256, @image_type)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, available = excluded.available, roles = excluded.roles`,
      ),
      deleteEmoji: db.prepare('DELETE FROM emojis WHERE id = ?'),
      listStickers: db.prepare('SELECT * FROM stickers'),
      upsertSticker: db.prepare(
        `INSERT INTO stickers (id, guild_id, name, description, tags, format_type, available, user_id, created_at, file_sha256)
         VALUES (@id, @guild_id, @name, @description, @tags, @format_type, @available, @user_id, @created_at, @file_sha256)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description, tags = excluded.tags, available = excluded.available`,
      ),
      deleteSticker: db.prepare('DELETE FROM stickers WHERE id = ?'),
      deleteGuildEmojis: db.prepare('DELETE FROM emojis WHERE guild_id = ?'),
      deleteGuildStickers: db.prepare('DELETE FROM stickers WHERE guild_id = ?'),
    };
  }

  async listEmojis(): Promise<EmojiRecord[]> {
    return (this.stmt.listEmojis.all() as Row[]).map(emojiFromRow);
  }

  async upsertEmoji(e: EmojiRecord): Promise<void> {
    this.stmt.upsertEmoji.run({ ...e, animated: e.animated ? 1 : 0, available: e.available ? 1 : 0, roles: JSON.stringify(e.roles) });
  }

  async deleteEmoji(emojiId: string): Promise<void> {
    this.stmt.deleteEmoji.run(emojiId);
  }

  async listStickers(): Promise<StickerRecord[]> {
    return (this.stmt.listStickers.all() as Row[]).map(stickerFromRow);
  }

  async upsertSticker(s: StickerRecord): Promise<void> {
    this.stmt.upsertSticker.run({ ...s, available: s.available ? 1 : 0 });
  }

  async deleteSticker(stickerId: string): Promise<void> {
    this.stmt.deleteSticker.run(stickerId);
  }

  async deleteGuildExpressions(guildId: string): Promise<void> {
    this.db.transaction(() => {
      this.stmt.deleteGuildEmojis.run(guildId);
      this.stmt.deleteGuildStickers.run(guildId);
    })();
  }
}
