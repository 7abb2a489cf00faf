// Port for a guild's custom emoji and stickers (issue 21). The image and sticker files themselves
// live in the content-addressed AttachmentStore; these records name them by SHA-256.

export interface EmojiRecord {
  id: string;
  guild_id: string;
  name: string;
  animated: boolean;
  /** False when the guild lost the boost tier whose slot it used (Discord keeps such emoji, unusable). */
  available: boolean;
  /** Roles allowed to use it; empty: everyone. */
  roles: string[];
  /** Who uploaded it. */
  user_id: string | null;
  created_at: number;
  image_sha256: string;
  /** The content type of the stored image (image/png, image/gif, image/webp), found from its bytes. */
  image_type: string;
}

export interface StickerRecord {
  id: string;
  guild_id: string;
  name: string;
  description: string | null;
  tags: string;
  /** Discord's sticker format type: 1 PNG, 2 APNG, 3 Lottie, 4 GIF. */
  format_type: number;
  available: boolean;
  user_id: string | null;
  created_at: number;
  file_sha256: string;
}

export interface ExpressionStore {
  listEmojis(): Promise<EmojiRecord[]>;
  upsertEmoji(emoji: EmojiRecord): Promise<void>;
  deleteEmoji(emojiId: string): Promise<void>;
  listStickers(): Promise<StickerRecord[]>;
  upsertSticker(sticker: StickerRecord): Promise<void>;
  deleteSticker(stickerId: string): Promise<void>;
  /** Removes every emoji and sticker of a guild (the guild was deleted). */
  deleteGuildExpressions(guildId: string): Promise<void>;
}
