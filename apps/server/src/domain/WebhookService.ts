// Channel webhooks: members with MANAGE_WEBHOOKS create, list, edit and delete them; anyone with the
// token executes them (no account needed) and the message shows the webhook, or the per-message
// username/avatar override, as its author. Webhooks are few per guild and read on every
// execution, so all of them live in memory.
import { AuditLogEvent, PermissionFlags, WebhookType, type APIWebhook, type WebhookMessageInput } from '@concord/protocol';
import crypto from 'node:crypto';
import { LOCAL_CACHES, covers, reloadTargets, type CacheFollower } from '../bus/CacheInvalidation.ts';
import { DomainError } from './DomainError.ts';
import type { WebhookRecord } from '../store/botRecords.ts';
import type { UserRecord } from '../store/records.ts';
import type { WebhookStore } from '../store/WebhookStore.ts';
import type { AuditLogService } from './AuditLogService.ts';
import { dispatch, requireChannelPermission, requireGuildChannel, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { userToAPI } from './serialize.ts';
import type { WebhookMessageWriter } from './WebhookMessageWriter.ts';

const MAX_WEBHOOKS_PER_CHANNEL = 15;
/** Full text rights for webhook mentions, as Discord gives them (including @everyone). */
const WEBHOOK_MENTION_PERMISSIONS = PermissionFlags.MENTION_EVERYONE | PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES;

export class WebhookService {
  private readonly webhooks = new Map<string, WebhookRecord>();
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: WebhookStore,
    private readonly writer: WebhookMessageWriter,
    private readonly audit: AuditLogService,
  ) {}

  async load(): Promise<void> {
    for (const w of await this.store.listWebhooks()) this.webhooks.set(w.id, w);
  }

  /** On a cluster bus: webhooks written on other nodes are re-read from the store (see CacheInvalidation). */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('webhook', async (ids) => {
      const stored = new Map((await this.store.listWebhooks()).filter((w) => covers(ids, w.id)).map((w) => [w.id, w]));
      for (const id of reloadTargets(ids, this.webhooks.keys(), stored.keys())) {
        const w = stored.get(id);
        if (w) this.webhooks.set(id, w);
        else this.webhooks.delete(id);
      }
    });
  }

  toAPI(w: WebhookRecord, withToken: boolean): APIWebhook {
    const out: APIWebhook = { id: w.id, type: w.type, guild_id: w.guild_id, channel_id: w.channel_id, name: w.name, avatar: w.avatar, application_id: w.application_id };
    if (w.creator_id) out.user = userToAPI(this.ctx.state.users.get(w.creator_id));
    if (withToken && w.token) {
      out.token = w.token;
      out.url = `${this.ctx.publicUrl()}/api/webhooks/${w.id}/${w.token}`;
    }
    return out;
  }

  private announce(w: WebhookRecord): void {
    dispatch(this.ctx, `g:${w.guild_id}`, 'WEBHOOKS_UPDATE', { guild_id: w.guild_id, channel_id: w.channel_id });
  }

  private avatarHash(avatar: string | null | undefined): string | null {
    return avatar ? crypto.createHash('md5').update(avatar).digest('hex') : null;
  }

  async create(actor: UserRecord, channelId: string, input: { name: string; avatar?: string | null | undefined }, reason: string | null): Promise<APIWebhook> {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_WEBHOOKS);
    const guildId = requireGuildChannel(channel);
    if ([...this.webhooks.values()].filter((w) => w.channel_id === channelId).length >= MAX_WEBHOOKS_PER_CHANNEL) {
      throw new DomainError('MaxWebhooks', `Maximum number of webhooks reached (${MAX_WEBHOOKS_PER_CHANNEL})`);
    }
    const w: WebhookRecord = {
      id: this.ctx.ids.next(),
      type: WebhookType.INCOMING,
      guild_id: guildId,
      channel_id: channelId,
      creator_id: actor.id,
      name: input.name,
      avatar: this.avatarHash(input.avatar),
      token: crypto.randomBytes(48).toString('base64url'),
      application_id: null,
    };
    await this.caches.write('webhook', w.id, async () => {
      await this.store.upsertWebhook(w);
      this.webhooks.set(w.id, w);
    });
    this.announce(w);
    this.audit.recordInBackground({ guildId, userId: actor.id, targetId: w.id, actionType: AuditLogEvent.WEBHOOK_CREATE, changes: [{ key: 'name', new_value: w.name }, { key: 'channel_id', new_value: channelId }, { key: 'type', new_value: w.type }], reason });
    return this.toAPI(w, true);
  }

  listForChannel(actor: UserRecord, channelId: string): APIWebhook[] {
    requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_WEBHOOKS);
    return [...this.webhooks.values()].filter((w) => w.channel_id === channelId).map((w) => this.toAPI(w, true));
  }

  listForGuild(actor: UserRecord, guildId: string): APIWebhook[] {
    requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_WEBHOOKS);
    return [...this.webhooks.values()].filter((w) => w.guild_id === guildId).map((w) => this.toAPI(w, true));
  }

  /** A webhook the actor may manage (MANAGE_WEBHOOKS in its channel). */
  private managed(actor: UserRecord, webhookId: string): WebhookRecord {
    const w = this.webhooks.get(webhookId);
    if (!w) throw new DomainError('UnknownWebhook');
    requireChannelPermission(this.ctx, w.channel_id, actor, PermissionFlags.MANAGE_WEBHOOKS);
    return w;
  }

  /** A webhook addressed by its token (no account). Wrong tokens are 50027, unknown ids 10015. */
  withToken(webhookId: string, token: string): WebhookRecord {
    const w = this.webhooks.get(webhookId);
    if (!w) throw new DomainError('UnknownWebhook');
    const a = Buffer.from(w.token ?? '');
    const b = Buffer.from(token);
    if (a.length === 0 || a.length !== b.length || !crypto.timingSafeEqual(a, b)) throw new DomainError('InvalidWebhookToken');
    return w;
  }

  get(actor: UserRecord, webhookId: string): APIWebhook {
    return this.toAPI(this.managed(actor, webhookId), true);
  }

  getWithToken(webhookId: string, token: string): APIWebhook {
    return this.toAPI(this.withToken(webhookId, token), false);
  }

  async modify(actor: UserRecord | null, w: WebhookRecord, patch: { name?: string | undefined; avatar?: string | null | undefined; channel_id?: string | undefined }, reason: string | null): Promise<APIWebhook> {
    const next: WebhookRecord = { ...w };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.avatar !== undefined) next.avatar = this.avatarHash(patch.avatar);
    if (patch.channel_id !== undefined && patch.channel_id !== w.channel_id) {
      if (!actor) throw new DomainError('MissingPermissions');
      const { channel } = requireChannelPermission(this.ctx, patch.channel_id, actor, PermissionFlags.MANAGE_WEBHOOKS);
      if (channel.guild_id !== w.guild_id) throw DomainError.fieldError('channel_id', 'CHANNEL_INVALID', 'The webhook can only move within its guild');
      next.channel_id = channel.id;
    }
    await this.caches.write('webhook', next.id, async () => {
      await this.store.upsertWebhook(next);
      this.webhooks.set(next.id, next);
    });
    this.announce(next);
    if (next.channel_id !== w.channel_id) this.announce(w);
    this.audit.recordInBackground({
      guildId: w.guild_id,
      userId: actor?.id ?? null,
      targetId: w.id,
      actionType: AuditLogEvent.WEBHOOK_UPDATE,
      changes: [
        ...(next.name !== w.name ? [{ key: 'name', old_value: w.name, new_value: next.name }] : []),
        ...(next.channel_id !== w.channel_id ? [{ key: 'channel_id', old_value: w.channel_id, new_value: next.channel_id }] : []),
        ...(next.avatar !== w.avatar ? [{ key: 'avatar_hash', old_value: w.avatar, new_value: next.avatar }] : []),
      ],
      reason,
    });
    return this.toAPI(next, actor !== null);
  }

  async modifyManaged(actor: UserRecord, webhookId: string, patch: { name?: string | undefined; avatar?: string | null | undefined; channel_id?: string | undefined }, reason: string | null) {
    return this.modify(actor, this.managed(actor, webhookId), patch, reason);
  }

  async delete(actor: UserRecord | null, w: WebhookRecord, reason: string | null): Promise<void> {
    await this.caches.write('webhook', w.id, async () => {
      await this.store.deleteWebhook(w.id);
      this.webhooks.delete(w.id);
    });
    this.announce(w);
    this.audit.recordInBackground({ guildId: w.guild_id, userId: actor?.id ?? null, targetId: w.id, actionType: AuditLogEvent.WEBHOOK_DELETE, changes: [{ key: 'name', old_value: w.name }, { key: 'channel_id', old_value: w.channel_id }], reason });
  }

  async deleteManaged(actor: UserRecord, webhookId: string, reason: string | null): Promise<void> {
    await this.delete(actor, this.managed(actor, webhookId), reason);
  }

  /** POST /webhooks/:id/:token: the message, or nothing unless `wait`. */
  async execute(w: WebhookRecord, body: WebhookMessageInput, wait: boolean) {
    const channel = this.ctx.state.channels.get(w.channel_id);
    if (!channel) throw new DomainError('UnknownChannel');
    const creator = w.creator_id ? this.ctx.state.users.get(w.creator_id) : undefined;
    const mentioner: UserRecord = creator ?? { id: w.id, username: w.name, discriminator: '0000', global_name: null, avatar: null, email: null, password_hash: null, bot: true, flags: 0, bio: '', accent_color: null, created_at: 0 };
    const record = await this.writer.create({
      channel,
      author: {
        authorId: w.id,
        mentioner,
        mentionPermissions: WEBHOOK_MENTION_PERMISSIONS,
        webhookId: w.id,
        applicationId: w.application_id,
        override: { username: body.username ?? w.name, avatar: body.avatar_url ?? w.avatar },
      },
      body: { ...body, components: this.componentsFor(w, body), flags: (body.flags ?? 0) & ~64 },
      type: 0,
      interaction: null,
      loading: false,
      ephemeralTo: null,
    });
    return wait ? this.writer.serialize(record) : undefined;
  }

  /**
   * Only application-owned webhooks (made by a bot, or for an application) send components; Discord
   * drops them from other webhooks' messages without an error.
   */
  private componentsFor(w: WebhookRecord, body: WebhookMessageInput): WebhookMessageInput['components'] {
    const appOwned = w.application_id !== null || (w.creator_id !== null && this.ctx.state.users.get(w.creator_id)?.bot === true);
    return appOwned ? body.components : undefined;
  }

  /** A message this webhook sent (for GET/PATCH/DELETE /webhooks/:id/:token/messages/:message_id). */
  private async ownMessage(w: WebhookRecord, messageId: string) {
    const record = await this.ctx.messages.get(w.channel_id, messageId);
    if (!record || record.webhook_id !== w.id) throw new DomainError('UnknownMessage');
    return record;
  }

  async getMessage(w: WebhookRecord, messageId: string) {
    return this.writer.serialize(await this.ownMessage(w, messageId));
  }

  async editMessage(w: WebhookRecord, messageId: string, patch: WebhookMessageInput) {
    return this.writer.serialize(await this.writer.edit(await this.ownMessage(w, messageId), { ...patch, components: this.componentsFor(w, patch) }, null));
  }

  async deleteMessage(w: WebhookRecord, messageId: string): Promise<void> {
    await this.writer.delete(await this.ownMessage(w, messageId), null);
  }
}
