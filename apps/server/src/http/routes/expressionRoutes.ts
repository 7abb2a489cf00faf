// Custom emoji and stickers (Discord's Emoji and Sticker resources): thin routes over
// ExpressionService. Stickers are created from a multipart form (name, description, tags, file).
import { CreateEmojiBody, CreateStickerFields, MAX_STICKER_BYTES, ModifyEmojiBody, ModifyStickerBody } from '@concord/protocol';
import type { ExpressionService } from '../../domain/ExpressionService.ts';
import { DomainError } from '../../domain/DomainError.ts';
import { parseBody } from '../HttpServer.ts';
import { created, done, type RouteDef } from '../Route.ts';

/** Room for the form's text fields and multipart framing around a sticker file of the largest size. */
const STICKER_FORM_SLACK_BYTES = 64 * 1024;

export function expressionRoutes(x: ExpressionService): RouteDef[] {
  return [
    { method: 'GET', path: '/guilds/:guild_id/emojis', auth: 'required', handler: (c) => x.listEmojis(c.user, c.params['guild_id']!) },
    { method: 'GET', path: '/guilds/:guild_id/emojis/:emoji_id', auth: 'required', handler: (c) => x.getEmoji(c.user, c.params['guild_id']!, c.params['emoji_id']!) },
    {
      method: 'POST',
      path: '/guilds/:guild_id/emojis',
      auth: 'required',
      bucket: 'guild emojis',
      handler: async (c) => created(await x.createEmoji(c.user, c.params['guild_id']!, parseBody(CreateEmojiBody, c.body), c.auditLogReason)),
    },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/emojis/:emoji_id',
      auth: 'required',
      bucket: 'guild emojis',
      handler: async (c) => x.modifyEmoji(c.user, c.params['guild_id']!, c.params['emoji_id']!, parseBody(ModifyEmojiBody, c.body), c.auditLogReason),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/emojis/:emoji_id',
      auth: 'required',
      bucket: 'guild emojis',
      handler: (c) => done(x.deleteEmoji(c.user, c.params['guild_id']!, c.params['emoji_id']!, c.auditLogReason)),
    },
    { method: 'GET', path: '/guilds/:guild_id/stickers', auth: 'required', handler: (c) => x.listStickers(c.user, c.params['guild_id']!) },
    { method: 'GET', path: '/guilds/:guild_id/stickers/:sticker_id', auth: 'required', handler: (c) => x.getGuildSticker(c.user, c.params['guild_id']!, c.params['sticker_id']!) },
    {
      method: 'POST',
      path: '/guilds/:guild_id/stickers',
      auth: 'required',
      bucket: 'guild stickers',
      multipart: true,
      // Refused before the upload is read: no permission, or a body far over the sticker limit.
      beforeBody: (c) => {
        x.assertCanCreateSticker(c.user, c.params['guild_id']!);
        if (c.contentLength > MAX_STICKER_BYTES + STICKER_FORM_SLACK_BYTES) {
          throw DomainError.fieldError('file', 'BINARY_TYPE_MAX_SIZE', `File cannot be larger than ${(MAX_STICKER_BYTES / 1024).toFixed(1)} kb.`);
        }
      },
      handler: async (c) => {
        const fields = parseBody(CreateStickerFields, c.body);
        const file = c.parts?.find((p) => p.name === 'file' && p.filename !== undefined);
        return created(await x.createSticker(c.user, c.params['guild_id']!, fields, file ? new Uint8Array(file.data) : null, c.auditLogReason));
      },
    },
    {
      method: 'PATCH',
      path: '/guilds/:guild_id/stickers/:sticker_id',
      auth: 'required',
      bucket: 'guild stickers',
      handler: async (c) => x.modifySticker(c.user, c.params['guild_id']!, c.params['sticker_id']!, parseBody(ModifyStickerBody, c.body), c.auditLogReason),
    },
    {
      method: 'DELETE',
      path: '/guilds/:guild_id/stickers/:sticker_id',
      auth: 'required',
      bucket: 'guild stickers',
      handler: (c) => done(x.deleteSticker(c.user, c.params['guild_id']!, c.params['sticker_id']!, c.auditLogReason)),
    },
    { method: 'GET', path: '/stickers/:sticker_id', auth: 'required', handler: (c) => x.getSticker(c.params['sticker_id']!) },
  ];
}
