// A guild's custom emoji and stickers (issue 21): list, create (the file checked from its bytes,
// stored content-addressed), edit and delete, with Discord's permissions (CREATE_ or
// MANAGE_GUILD_EXPRESSIONS; others' need MANAGE), slots by the guild's boost tier (30008 / 30039),
// GUILD_EMOJIS_UPDATE / GUILD_STICKERS_UPDATE and audit log entries. Who may *use* them in messages
// and reactions is expressionUse.ts.
import {
  AuditLogEvent,
  GUILD_TIER_PERKS,
  MAX_EMOJI_BYTES,
  MAX_STICKER_BYTES,
  PermissionFlags,
  hasPermission,
  type APIGuildEmoji,
  type APISticker,
  type CreateEmojiInput,
  type CreateStickerInput,
  type ModifyEmojiInput,
  type ModifyStickerInput,
} from '@concord/protocol';
import { LOCAL_CACHES, covers, reloadTargets, type CacheFollower } from '../bus/CacheInvalidation.ts';
import { AttachmentStore } from '../store/AttachmentStore.ts';
import type { EmojiRecord, ExpressionStore, StickerRecord } from '../store/ExpressionStore.ts';
import type { UserRecord } from '../store/records.ts';
import { diffChanges, type AuditLogService } from './AuditLogService.ts';
import { dispatch, requireGuildMember, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';
import { contentTypeOf, decodeImageDataUri, readImage, readStickerFile } from './expressionFiles.ts';
import { guildPremiumTier } from './premium/entitlement.ts';
import { emojiToAPI, stickerToAPI } from './serialize.ts';

const EXPRESSION_MANAGERS = PermissionFlags.CREATE_GUILD_EXPRESSIONS | PermissionFlags.MANAGE_GUILD_EXPRESSIONS;

/** What a served emoji or sticker file is: where its bytes are and how to label them. */
export interface ExpressionFile {
  sha256: string;
  contentType: string;
}

export class ExpressionService {
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: ExpressionStore,
    private readonly files: AttachmentStore,
    private readonly audit: AuditLogService,
  ) {}

  /** Loads every emoji and sticker into DomainState; rows of guilds that no longer exist are deleted. */
  async load(): Promise<void> {
    const orphanGuilds = new Set<string>();
    for (const e of await this.store.listEmojis()) if (!this.ctx.state.putEmoji(e)) orphanGuilds.add(e.guild_id);
    for (const s of await this.store.listStickers()) if (!this.ctx.state.putSticker(s)) orphanGuilds.add(s.guild_id);
    for (const guildId of orphanGuilds) await this.store.deleteGuildExpressions(guildId);
  }

  /** On a cluster bus: emoji and stickers written on other nodes are re-read from the store into DomainState. */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('emoji', async (ids) => {
      const stored = new Map((await this.store.listEmojis()).filter((e) => covers(ids, e.id)).map((e) => [e.id, e]));
      for (const id of reloadTargets(ids, this.ctx.state.emojis.keys(), stored.keys())) {
        const e = stored.get(id);
        const held = this.ctx.state.emojis.get(id);
        if (held && held.guild_id !== e?.guild_id) this.ctx.state.removeEmoji(held);
        if (e) this.ctx.state.putEmoji(e);
      }
    });
    caches.onReload('sticker', async (ids) => {
      const stored = new Map((await this.store.listStickers()).filter((st) => covers(ids, st.id)).map((st) => [st.id, st]));
      for (const id of reloadTargets(ids, this.ctx.state.stickers.keys(), stored.keys())) {
        const st = stored.get(id);
        const held = this.ctx.state.stickers.get(id);
        if (held && held.guild_id !== st?.guild_id) this.ctx.state.removeSticker(held);
        if (st) this.ctx.state.putSticker(st);
      }
    });
  }

  /** CREATE_ or MANAGE_GUILD_EXPRESSIONS: creating, and editing one's own (Discord's rule). */
  private canManageOwn(g: GuildState, actor: UserRecord): boolean {
    return (g.basePermissions(actor.id) & EXPRESSION_MANAGERS) !== 0n;
  }

  private requireManage(g: GuildState, actor: UserRecord, creatorId: string | null): void {
    const perms = g.basePermissions(actor.id);
    const mine = creatorId === actor.id && (perms & EXPRESSION_MANAGERS) !== 0n;
    if (!mine && !hasPermission(perms, PermissionFlags.MANAGE_GUILD_EXPRESSIONS)) throw new DomainError('MissingPermissions');
  }

  private creatorFor(g: GuildState, actor: UserRecord, userId: string | null): UserRecord | undefined {
    return userId !== null && this.canManageOwn(g, actor) ? this.ctx.state.users.get(userId) : undefined;
  }

  private checkRoles(g: GuildState, roles: readonly string[] | null | undefined): string[] {
    const unique = [...new Set(roles ?? [])];
    if (unique.some((id) => !g.roles.has(id))) throw new DomainError('UnknownRole');
    return unique;
  }

  // ---------------------------------------------------------------- emoji

  listEmojis(actor: UserRecord, guildId: string): APIGuildEmoji[] {
    const g = requireGuildMember(this.ctx, guildId, actor);
    return [...g.emojis.values()].map((e) => emojiToAPI(e, g, this.creatorFor(g, actor, e.user_id)));
  }

  getEmoji(actor: UserRecord, guildId: string, emojiId: string): APIGuildEmoji {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const e = g.emojis.get(emojiId);
    if (!e) throw new DomainError('UnknownEmoji');
    return emojiToAPI(e, g, this.creatorFor(g, actor, e.user_id));
  }

  async createEmoji(actor: UserRecord, guildId: string, input: CreateEmojiInput, reason: string | null): Promise<APIGuildEmoji> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    if (!this.canManageOwn(g, actor)) throw new DomainError('MissingPermissions');
    const roles = this.checkRoles(g, input.roles);
    const bytes = decodeImageDataUri(input.image);
    if (!bytes) throw DomainError.fieldError('image', 'BINARY_TYPE_INVALID_DATA_URI', 'Only data uri strings can be used.');
    if (bytes.byteLength > MAX_EMOJI_BYTES) throw DomainError.fieldError('image', 'BINARY_TYPE_MAX_SIZE', `File cannot be larger than ${(MAX_EMOJI_BYTES / 1024).toFixed(1)} kb.`);
    const image = readImage(bytes);
    if (!image) throw DomainError.fieldError('image', 'IMAGE_INVALID', 'Invalid image data');
    const slots = GUILD_TIER_PERKS[guildPremiumTier(g.guild)].emojiSlots;
    let used = 0;
    for (const e of g.emojis.values()) if (e.animated === image.animated) used++;
    if (used >= slots) throw new DomainError('MaxEmojis', `Maximum number of ${image.animated ? 'animated ' : ''}emojis reached (${slots})`);

    const record: EmojiRecord = {
      id: this.ctx.ids.next(),
      guild_id: guildId,
      name: input.name,
      animated: image.animated,
      available: true,
      roles,
      user_id: actor.id,
      created_at: Date.now(),
      image_sha256: AttachmentStore.hash(bytes),
      image_type: contentTypeOf(image.format),
    };
    await this.caches.write('emoji', record.id, async () => {
      await this.storeFile(record.image_sha256, bytes, () => this.store.upsertEmoji(record));
      this.ctx.state.putEmoji(record);
    });
    this.announceEmojis(g);
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: record.id, actionType: AuditLogEvent.EMOJI_CREATE, changes: diffChanges(null, record, ['name']), reason });
    return emojiToAPI(record, g, actor);
  }

  async modifyEmoji(actor: UserRecord, guildId: string, emojiId: string, input: ModifyEmojiInput, reason: string | null): Promise<APIGuildEmoji> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const before = g.emojis.get(emojiId);
    if (!before) throw new DomainError('UnknownEmoji');
    this.requireManage(g, actor, before.user_id);
    const after: EmojiRecord = { ...before };
    if (input.name !== undefined) after.name = input.name;
    if (input.roles !== undefined) after.roles = this.checkRoles(g, input.roles);
    await this.caches.write('emoji', after.id, async () => {
      await this.store.upsertEmoji(after);
      this.ctx.state.putEmoji(after);
    });
    this.announceEmojis(g);
    const changes = diffChanges(before, after, ['name', 'roles']);
    if (changes.length > 0) this.audit.recordInBackground({ guildId, userId: actor.id, targetId: emojiId, actionType: AuditLogEvent.EMOJI_UPDATE, changes, reason });
    return emojiToAPI(after, g, this.creatorFor(g, actor, after.user_id));
  }

  async deleteEmoji(actor: UserRecord, guildId: string, emojiId: string, reason: string | null): Promise<void> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const emoji = g.emojis.get(emojiId);
    if (!emoji) throw new DomainError('UnknownEmoji');
    this.requireManage(g, actor, emoji.user_id);
    // The image file stays: the store is content-addressed and the same bytes may be an attachment too.
    await this.caches.write('emoji', emojiId, async () => {
      await this.store.deleteEmoji(emojiId);
      this.ctx.state.removeEmoji(emoji);
    });
    this.announceEmojis(g);
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: emojiId, actionType: AuditLogEvent.EMOJI_DELETE, changes: diffChanges(emoji, null, ['name']), reason });
  }

  /** GUILD_EMOJIS_UPDATE with the whole list, as Discord sends it (also for a boost tier change that moves availability). */
  announceEmojis(g: GuildState): void {
    dispatch(this.ctx, `g:${g.id}`, 'GUILD_EMOJIS_UPDATE', { guild_id: g.id, emojis: [...g.emojis.values()].map((e) => emojiToAPI(e, g)) });
  }

  /** The stored image of an emoji, for GET /emojis/:id.ext. */
  emojiFile(emojiId: string): ExpressionFile | null {
    const e = this.ctx.state.emojis.get(emojiId);
    return e ? { sha256: e.image_sha256, contentType: e.image_type } : null;
  }

  // ---------------------------------------------------------------- stickers

  listStickers(actor: UserRecord, guildId: string): APISticker[] {
    const g = requireGuildMember(this.ctx, guildId, actor);
    return [...g.stickers.values()].map((s) => stickerToAPI(s, g, this.creatorFor(g, actor, s.user_id)));
  }

  getGuildSticker(actor: UserRecord, guildId: string, stickerId: string): APISticker {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const s = g.stickers.get(stickerId);
    if (!s) throw new DomainError('UnknownSticker');
    return stickerToAPI(s, g, this.creatorFor(g, actor, s.user_id));
  }

  /** GET /stickers/:id: any signed-in user may look a sticker up (clients show where a sticker is from). */
  getSticker(stickerId: string): APISticker {
    const s = this.ctx.state.stickers.get(stickerId);
    const g = s ? this.ctx.state.guilds.get(s.guild_id) : undefined;
    if (!s || !g) throw new DomainError('UnknownSticker');
    return stickerToAPI(s, g);
  }

  /** Refuses before the multipart body is read: not a member, or no permission to create. */
  assertCanCreateSticker(actor: UserRecord, guildId: string): void {
    const g = requireGuildMember(this.ctx, guildId, actor);
    if (!this.canManageOwn(g, actor)) throw new DomainError('MissingPermissions');
  }

  async createSticker(actor: UserRecord, guildId: string, input: CreateStickerInput, file: Uint8Array | null, reason: string | null): Promise<APISticker> {
    this.assertCanCreateSticker(actor, guildId);
    const g = requireGuildMember(this.ctx, guildId, actor);
    if (!file) throw DomainError.fieldError('file', 'BASE_TYPE_REQUIRED', 'This field is required');
    if (file.byteLength > MAX_STICKER_BYTES) throw DomainError.fieldError('file', 'BINARY_TYPE_MAX_SIZE', `File cannot be larger than ${(MAX_STICKER_BYTES / 1024).toFixed(1)} kb.`);
    const kind = readStickerFile(file);
    if (!kind) throw new DomainError('InvalidFileUploaded');
    const slots = GUILD_TIER_PERKS[guildPremiumTier(g.guild)].stickerSlots;
    if (g.stickers.size >= slots) throw new DomainError('MaxStickers', `Maximum number of stickers reached (${slots})`);
    const record: StickerRecord = {
      id: this.ctx.ids.next(),
      guild_id: guildId,
      name: input.name,
      description: input.description === '' ? null : input.description,
      tags: input.tags,
      format_type: kind.format_type,
      available: true,
      user_id: actor.id,
      created_at: Date.now(),
      file_sha256: AttachmentStore.hash(file),
    };
    await this.caches.write('sticker', record.id, async () => {
      await this.storeFile(record.file_sha256, file, () => this.store.upsertSticker(record));
      this.ctx.state.putSticker(record);
    });
    this.announceStickers(g);
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: record.id, actionType: AuditLogEvent.STICKER_CREATE, changes: diffChanges(null, record, ['name', 'description', 'tags', 'format_type']), reason });
    return stickerToAPI(record, g, actor);
  }

  async modifySticker(actor: UserRecord, guildId: string, stickerId: string, input: ModifyStickerInput, reason: string | null): Promise<APISticker> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const before = g.stickers.get(stickerId);
    if (!before) throw new DomainError('UnknownSticker');
    this.requireManage(g, actor, before.user_id);
    const after: StickerRecord = { ...before };
    if (input.name !== undefined) after.name = input.name;
    if (input.description !== undefined) after.description = input.description === null || input.description === '' ? null : input.description;
    if (input.tags !== undefined) after.tags = input.tags;
    await this.caches.write('sticker', after.id, async () => {
      await this.store.upsertSticker(after);
      this.ctx.state.putSticker(after);
    });
    this.announceStickers(g);
    const changes = diffChanges(before, after, ['name', 'description', 'tags']);
    if (changes.length > 0) this.audit.recordInBackground({ guildId, userId: actor.id, targetId: stickerId, actionType: AuditLogEvent.STICKER_UPDATE, changes, reason });
    return stickerToAPI(after, g, this.creatorFor(g, actor, after.user_id));
  }

  async deleteSticker(actor: UserRecord, guildId: string, stickerId: string, reason: string | null): Promise<void> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const sticker = g.stickers.get(stickerId);
    if (!sticker) throw new DomainError('UnknownSticker');
    this.requireManage(g, actor, sticker.user_id);
    await this.caches.write('sticker', stickerId, async () => {
      await this.store.deleteSticker(stickerId);
      this.ctx.state.removeSticker(sticker);
    });
    this.announceStickers(g);
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: stickerId, actionType: AuditLogEvent.STICKER_DELETE, changes: diffChanges(sticker, null, ['name']), reason });
  }

  announceStickers(g: GuildState): void {
    dispatch(this.ctx, `g:${g.id}`, 'GUILD_STICKERS_UPDATE', { guild_id: g.id, stickers: [...g.stickers.values()].map((s) => stickerToAPI(s, g)) });
  }

  /** The stored file of a sticker, for GET /stickers/:id.ext. */
  stickerFile(stickerId: string): ExpressionFile | null {
    const s = this.ctx.state.stickers.get(stickerId);
    if (!s) return null;
    const contentType = s.format_type === 3 ? 'application/json' : s.format_type === 4 ? 'image/gif' : 'image/png';
    return { sha256: s.file_sha256, contentType };
  }

  /** Writes the file, then the record; the file is removed again if the record could not be written (and nobody else holds it). */
  private async storeFile(sha256: string, bytes: Uint8Array, writeRecord: () => Promise<void>): Promise<void> {
    const created = await this.files.hold(sha256, bytes);
    let stored = false;
    try {
      await writeRecord();
      stored = true;
    } finally {
      await this.files.release(sha256, created, stored);
    }
  }
}
