// Applications (the developer portal) and their bot users: create an application, give it a bot,
// reset the bot's token, switch privileged intents on. Authorizing a bot into a guild is
// OAuth2Service's. Applications are few and read on every bot IDENTIFY and interaction, so all of
// them live in memory.
import { EDITABLE_APPLICATION_FLAGS, privilegedIntentsForFlags, type APIApplication } from '@concord/protocol';
import crypto from 'node:crypto';
import { LOCAL_CACHES, covers, reloadTargets, type CacheFollower } from '../bus/CacheInvalidation.ts';
import { DomainError } from './DomainError.ts';
import type { ApplicationStore } from '../store/ApplicationStore.ts';
import type { ApplicationRecord } from '../store/botRecords.ts';
import type { UserRecord } from '../store/records.ts';
import type { AuthService } from './AuthService.ts';
import { dispatch, type DomainContext } from './DomainContext.ts';
import { selfUserToAPI, userToAPI } from './serialize.ts';

const MAX_APPLICATIONS_PER_USER = 25;

export interface ApplicationPatch {
  name?: string | undefined;
  description?: string | undefined;
  icon?: string | null | undefined;
  flags?: number | undefined;
  bot_public?: boolean | undefined;
  bot_require_code_grant?: boolean | undefined;
  interactions_endpoint_url?: string | null | undefined;
  tags?: string[] | undefined;
  install_params?: { scopes: string[]; permissions: bigint } | undefined;
}

export class ApplicationService {
  private readonly apps = new Map<string, ApplicationRecord>();
  private readonly byBot = new Map<string, ApplicationRecord>();
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: ApplicationStore,
    private readonly auth: AuthService,
  ) {}

  async load(): Promise<void> {
    for (const app of await this.store.listApplications()) this.remember(app);
  }

  private remember(app: ApplicationRecord): void {
    this.apps.set(app.id, app);
    if (app.bot_user_id) this.byBot.set(app.bot_user_id, app);
  }

  /** On a cluster bus: applications written on other nodes are re-read from the store (see CacheInvalidation). */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('application', async (ids) => {
      const stored = new Map((await this.store.listApplications()).filter((a) => covers(ids, a.id)).map((a) => [a.id, a]));
      for (const id of reloadTargets(ids, this.apps.keys(), stored.keys())) {
        const before = this.apps.get(id);
        if (before?.bot_user_id && this.byBot.get(before.bot_user_id) === before) this.byBot.delete(before.bot_user_id);
        this.apps.delete(id);
        const app = stored.get(id);
        if (app) this.remember(app);
      }
    });
  }

  /** Stores an application and remembers it (after any reload of applications in progress; other nodes follow). */
  private async save(app: ApplicationRecord): Promise<void> {
    await this.caches.write('application', app.id, async () => {
      await this.store.upsertApplication(app);
      this.remember(app);
    });
  }

  get(applicationId: string): ApplicationRecord | undefined {
    return this.apps.get(applicationId);
  }

  /** The applications whose bot is a member of a guild. */
  *withBotIn(memberIds: ReadonlyMap<string, unknown>): Iterable<ApplicationRecord> {
    for (const [botId, app] of this.byBot) if (memberIds.has(botId)) yield app;
  }

  /** The application a bot user belongs to. */
  ofBot(botUserId: string): ApplicationRecord | undefined {
    return this.byBot.get(botUserId);
  }

  /** Privileged intents a bot may identify with: what its application's flags switch on. */
  privilegedIntentsAllowed(user: UserRecord): number {
    const app = this.byBot.get(user.id);
    return app ? privilegedIntentsForFlags(app.flags) : 0;
  }

  /** READY's `application` for a bot session. */
  readyExtras(user: UserRecord): Record<string, unknown> {
    const app = user.bot ? this.byBot.get(user.id) : undefined;
    return app ? { application: { id: app.id, flags: app.flags } } : {};
  }

  toAPI(app: ApplicationRecord): APIApplication {
    const bot = app.bot_user_id ? this.ctx.state.users.get(app.bot_user_id) : undefined;
    const out: APIApplication = {
      id: app.id,
      name: app.name,
      icon: app.icon,
      description: app.description,
      summary: '',
      type: null,
      bot_public: app.bot_public,
      bot_require_code_grant: app.bot_require_code_grant,
      verify_key: app.verify_key,
      flags: app.flags,
      owner: userToAPI(this.ctx.state.users.get(app.owner_id)),
      team: null,
      redirect_uris: [],
      interactions_endpoint_url: app.interactions_endpoint_url,
      tags: app.tags,
      approximate_guild_count: bot ? this.ctx.state.userGuilds.get(bot.id)?.size ?? 0 : 0,
    };
    if (app.install_params) out.install_params = app.install_params;
    if (bot) out.bot = userToAPI(bot);
    return out;
  }

  // ---------------------------------------------------------------- developer portal

  /** An application the actor owns (10002 otherwise, so ids of others' applications do not leak). */
  private owned(actor: UserRecord, applicationId: string): ApplicationRecord {
    const app = this.apps.get(applicationId);
    if (!app || app.owner_id !== actor.id) throw new DomainError('UnknownApplication');
    return app;
  }

  async create(actor: UserRecord, input: { name: string; description?: string | undefined }): Promise<APIApplication> {
    this.auth.requireHuman(actor);
    const mine = [...this.apps.values()].filter((a) => a.owner_id === actor.id).length;
    if (mine >= MAX_APPLICATIONS_PER_USER) throw DomainError.fieldError('name', 'TOO_MANY_APPLICATIONS', `You can own at most ${MAX_APPLICATIONS_PER_USER} applications`);
    const app: ApplicationRecord = {
      id: this.ctx.ids.next(),
      owner_id: actor.id,
      name: input.name,
      description: input.description ?? '',
      icon: null,
      bot_user_id: null,
      flags: 0,
      bot_public: true,
      bot_require_code_grant: false,
      interactions_endpoint_url: null,
      verify_key: crypto.randomBytes(32).toString('hex'),
      tags: [],
      install_params: null,
      created_at: Date.now(),
    };
    await this.save(app);
    return this.toAPI(app);
  }

  list(actor: UserRecord): APIApplication[] {
    return [...this.apps.values()].filter((a) => a.owner_id === actor.id).map((a) => this.toAPI(a));
  }

  getOwned(actor: UserRecord, applicationId: string): APIApplication {
    return this.toAPI(this.owned(actor, applicationId));
  }

  /** GET /applications/@me: a bot's own application. */
  current(actor: UserRecord): APIApplication {
    const app = actor.bot ? this.byBot.get(actor.id) : undefined;
    if (!app) throw new DomainError('UnknownApplication');
    return this.toAPI(app);
  }

  /** PATCH /applications/:id (owner) or /applications/@me (the bot itself). */
  async modify(actor: UserRecord, applicationId: string, patch: ApplicationPatch): Promise<APIApplication> {
    const app = applicationId === '@me' ? this.byBot.get(actor.id) : this.owned(actor, applicationId);
    if (!app) throw new DomainError('UnknownApplication');
    const next: ApplicationRecord = { ...app };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.icon !== undefined) next.icon = patch.icon === null ? null : crypto.createHash('md5').update(patch.icon).digest('hex');
    if (patch.flags !== undefined) {
      if ((patch.flags & ~EDITABLE_APPLICATION_FLAGS) !== (app.flags & ~EDITABLE_APPLICATION_FLAGS)) {
        throw DomainError.fieldError('flags', 'APPLICATION_FLAGS_INVALID', 'Only the privileged intent flags can be changed');
      }
      next.flags = patch.flags;
    }
    if (patch.bot_public !== undefined) next.bot_public = patch.bot_public;
    if (patch.bot_require_code_grant !== undefined) next.bot_require_code_grant = patch.bot_require_code_grant;
    if (patch.interactions_endpoint_url !== undefined) next.interactions_endpoint_url = patch.interactions_endpoint_url;
    if (patch.tags !== undefined) next.tags = patch.tags;
    if (patch.install_params !== undefined) next.install_params = { scopes: patch.install_params.scopes, permissions: patch.install_params.permissions.toString() };
    await this.save(next);
    return this.toAPI(next);
  }

  /** POST /applications/:id/bot: creates the bot user and its first token. */
  async createBot(actor: UserRecord, applicationId: string): Promise<{ token: string; user: ReturnType<typeof selfUserToAPI> }> {
    const app = this.owned(actor, applicationId);
    if (app.bot_user_id) throw new DomainError('InvalidFormBody', 'This application already has a bot user; reset its token instead');
    const bot: UserRecord = {
      id: this.ctx.ids.next(),
      username: app.name,
      // Bots keep Discord's four-digit discriminators (users moved to unique usernames).
      discriminator: String(crypto.randomInt(1, 10_000)).padStart(4, '0'),
      global_name: null,
      avatar: null,
      email: null,
      password_hash: null,
      bot: true,
      flags: 0,
      bio: '',
      accent_color: null,
      created_at: Date.now(),
    };
    await this.ctx.meta.insertUser(bot);
    this.ctx.state.users.set(bot.id, bot);
    const next = { ...app, bot_user_id: bot.id };
    await this.save(next);
    return { token: await this.auth.issueToken(bot.id), user: selfUserToAPI(bot) };
  }

  /** POST /applications/:id/bot/reset: the old token stops working at once and its sessions end. */
  async resetBotToken(actor: UserRecord, applicationId: string): Promise<{ token: string }> {
    const app = this.owned(actor, applicationId);
    if (!app.bot_user_id) throw new DomainError('UnknownUser');
    await this.auth.revokeAllTokens(app.bot_user_id);
    this.ctx.bus.publish({ kind: 'disconnectUser', userId: app.bot_user_id });
    return { token: await this.auth.issueToken(app.bot_user_id) };
  }

  /** PATCH /applications/:id/bot: the bot's name and avatar. */
  async modifyBot(actor: UserRecord, applicationId: string, patch: { username?: string | undefined; avatar?: string | null | undefined }) {
    const app = this.owned(actor, applicationId);
    const bot = app.bot_user_id ? this.ctx.state.users.get(app.bot_user_id) : undefined;
    if (!bot) throw new DomainError('UnknownUser');
    const next: UserRecord = { ...bot };
    if (patch.username !== undefined) next.username = patch.username;
    if (patch.avatar !== undefined) next.avatar = patch.avatar === null ? null : crypto.createHash('md5').update(patch.avatar).digest('hex');
    await this.ctx.meta.updateUser(next);
    this.ctx.state.users.set(next.id, next);
    const self = selfUserToAPI(next);
    dispatch(this.ctx, `u:${next.id}`, 'USER_UPDATE', self);
    return self;
  }
}
