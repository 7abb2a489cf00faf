// Custom emoji and stickers: the request bodies of Discord's Emoji and Sticker resources with their
// documented limits, and how `<:name:id>` / `<a:name:id>` appear in message content. The server
// parses with these once at the boundary; clients use the same limits to validate before upload.
import { z } from 'zod';
import { snowflakeSchema } from './fieldSchemas.ts';

/** Largest emoji image (Discord: 256 KiB) and sticker file (512 KiB), in bytes of the decoded file. */
export const MAX_EMOJI_BYTES = 256 * 1024;
export const MAX_STICKER_BYTES = 512 * 1024;
/** Stickers per message (`sticker_ids`). */
export const MAX_STICKERS_PER_MESSAGE = 3;

const lengthBetween = (min: number, max: number) => (s: string, ctx: z.RefinementCtx) => {
  if (s.length < min || s.length > max) {
    ctx.addIssue({ code: 'custom', message: `Must be between ${min} and ${max} in length.`, params: { code: 'BASE_TYPE_BAD_LENGTH' } });
  }
};

/** Emoji names: 2-32 characters of letters, digits and underscores. */
export const emojiNameSchema = z
  .string()
  .max(1000)
  .superRefine(lengthBetween(2, 32))
  .superRefine((s, ctx) => {
    if (!/^[A-Za-z0-9_]*$/.test(s)) ctx.addIssue({ code: 'custom', message: 'String value did not match validation regex.', params: { code: 'STRING_TYPE_REGEX' } });
  });

/** POST /guilds/:id/emojis. `image` is a data URI; its bytes are checked by the server (format, size). */
export const CreateEmojiBody = z.object({
  name: emojiNameSchema,
  // Base64 of 256 KiB is ~350,000 characters; the bound leaves room for the data URI prefix.
  image: z.string().max(400_000),
  roles: z.array(snowflakeSchema).max(250).nullable().optional(),
});
export type CreateEmojiInput = z.infer<typeof CreateEmojiBody>;

export const ModifyEmojiBody = z.object({
  name: emojiNameSchema.optional(),
  roles: z.array(snowflakeSchema).max(250).nullable().optional(),
});
export type ModifyEmojiInput = z.infer<typeof ModifyEmojiBody>;

const stickerName = z.string().max(1000).superRefine(lengthBetween(2, 30));
/** Empty, or 2-100 characters (Discord's rule). */
const stickerDescription = z
  .string()
  .max(1000)
  .superRefine((s, ctx) => {
    if (s.length !== 0) lengthBetween(2, 100)(s, ctx);
  });
const stickerTags = z.string().max(200);

/** The text fields of POST /guilds/:id/stickers (a multipart form; the file is its `file` part). */
export const CreateStickerFields = z.object({
  name: stickerName,
  description: stickerDescription.default(''),
  tags: stickerTags,
});
export type CreateStickerInput = z.infer<typeof CreateStickerFields>;

export const ModifyStickerBody = z.object({
  name: stickerName.optional(),
  description: stickerDescription.nullable().optional(),
  tags: stickerTags.optional(),
});
export type ModifyStickerInput = z.infer<typeof ModifyStickerBody>;

/** One custom emoji written in message content. */
export interface CustomEmojiToken {
  animated: boolean;
  name: string;
  id: string;
  /** Where the token starts in the content, and its length. */
  index: number;
  length: number;
}

const CUSTOM_EMOJI = /<(a?):([A-Za-z0-9_]{2,32}):(\d{15,20})>/g;

/** Every `<:name:id>` / `<a:name:id>` in a message, in order. */
export function customEmojiTokens(content: string): CustomEmojiToken[] {
  const out: CustomEmojiToken[] = [];
  for (const m of content.matchAll(CUSTOM_EMOJI)) {
    out.push({ animated: m[1] === 'a', name: m[2]!, id: m[3]!, index: m.index, length: m[0].length });
  }
  return out;
}
