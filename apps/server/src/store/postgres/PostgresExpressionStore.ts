// ExpressionStore on PostgreSQL: one row per emoji and per sticker; an emoji's roles are a TEXT[].
import type { EmojiRecord, ExpressionStore, StickerRecord } from '../ExpressionStore.ts';
import type { PgRow, PostgresDatabase } from './PostgresDatabase.ts';
import { bool, int, text, textArray, textOrNull } from './pgRow.ts';

function emojiFromRow(r: PgRow): EmojiRecord {
  return {
    id: text(r, 'id'),
    guild_id: text(r, 'guild_id'),
    name: text(r, 'name'),
    animated: bool(r, 'animated'),
    available: bool(r, 'available'),
    roles: textArray(r, 'roles'),
    user_id: textOrNull(r, 'user_id'),
    created_at: int(r, 'created_at'),
    image_sha256: text(r, 'image_sha256'),
    image_type: text(r, 'image_type'),
  };
}

function stickerFromRow(r: PgRow): StickerRecord {
  return {
    id: text(r, 'id'),
    guild_id: text(r, 'guild_id'),
    name: text(r, 'name'),
    description: textOrNull(r, 'description'),
    tags: text(r, 'tags'),
    format_type: int(r, 'format_type'),
    available: bool(r, 'available'),
    user_id: textOrNull(r, 'user_id'),
    created_at: int(r, 'created_at'),
    file_sha256: text(r, 'file_sha256'),
  };
}

export class PostgresExpressionStore implements ExpressionStore {
  constructor(private readonly db: PostgresDatabase) {}

  async listEmojis(): Promise<EmojiRecord[]> {
    return (await this.db.query('SELECT * FROM emojis ORDER BY id COLLATE "C"')).map(emojiFromRow);
  }

  async upsertEmoji(e: EmojiRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO emojis (id, guild_id, name, animated, available, roles, user_id, created_at, image_sha256, image_type)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, available = excluded.available, roles = excluded.roles`,
      [e.id, e.guild_id, e.name, e.animated, e.available, e.roles, e.user_id, e.created_at, e.image_sha256, e.image_type],
    );
  }

  async deleteEmoji(emojiId: string): Promise<void> {
    await this.db.execute('DELETE FROM emojis WHERE id = $1', [emojiId]);
  }

  async listStickers(): Promise<StickerRecord[]> {
    return (await this.db.query('SELECT * FROM stickers ORDER BY id COLLATE "C"')).map(stickerFromRow);
  }

  async upsertSticker(s: StickerRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO stickers (id, guild_id, name, description, tags, format_type, available, user_id, created_at, file_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, tags = excluded.tags, available = excluded.available`,
      [s.id, s.guild_id, s.name, s.description, s.tags, s.format_type, s.available, s.user_id, s.created_at, s.file_sha256],
    );
  }

  async deleteSticker(stickerId: string): Promise<void> {
    await this.db.execute('DELETE FROM stickers WHERE id = $1', [stickerId]);
  }

  async deleteGuildExpressions(guildId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM emojis WHERE guild_id = $1', [guildId]);
      await tx.execute('DELETE FROM stickers WHERE guild_id = $1', [guildId]);
    });
  }
}
