// OAuth2 "bot" scope: the consent page's view (the application, its bot, the guilds the user may
// add it to) and the authorization itself, which adds the bot to a guild with a managed role
// carrying the requested permissions.
import { ALL_PERMISSIONS, AuditLogEvent, PermissionFlags, hasPermission } from '@concord/protocol';
import type { ApplicationRecord } from '../store/botRecords.ts';
import type { UserRecord } from '../store/records.ts';
import type { ApplicationService } from './ApplicationService.ts';
import type { AuditLogService } from './AuditLogService.ts';
import type { AuthService } from './AuthService.ts';
import type { DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { MemberService } from './MemberService.ts';
import type { RoleService } from './RoleService.ts';
import { guildToAPI, userToAPI } from './serialize.ts';

export interface AuthorizeRequest {
  client_id: string;
  scope: string[];
  permissions?: bigint | undefined;
  guild_id?: string | undefined;
}

export class OAuth2Service {
  constructor(
    private readonly ctx: DomainContext,
    private readonly applications: ApplicationService,
    private readonly auth: AuthService,
    private readonly members: MemberService,
    private readonly roles: RoleService,
    private readonly audit: AuditLogService,
  ) {}

  private authorizable(actor: UserRecord, req: AuthorizeRequest): ApplicationRecord {
    this.auth.requireHuman(actor);
    const app = this.applications.get(req.client_id);
    if (!app) throw DomainError.fieldError('client_id', 'UNKNOWN_APPLICATION', 'Unknown application');
    if (!app.bot_public && app.owner_id !== actor.id) throw DomainError.fieldError('client_id', 'BOT_NOT_PUBLIC', 'Only the owner of this private bot can add it');
    if (req.scope.includes('bot') && !app.bot_user_id) throw DomainError.fieldError('scope', 'APPLICATION_HAS_NO_BOT', 'This application has no bot user');
    return app;
  }

  /** GET /oauth2/authorize (JSON): what the consent page shows — the application and the guilds the user can add it to. */
  authorizeInfo(actor: UserRecord, req: AuthorizeRequest) {
    const app = this.authorizable(actor, req);
    const guilds = [];
    for (const guildId of this.ctx.state.userGuilds.get(actor.id) ?? []) {
      const g = this.ctx.state.guilds.get(guildId);
      if (!g) continue;
      const permissions = g.basePermissions(actor.id);
      if (!hasPermission(permissions, PermissionFlags.MANAGE_GUILD)) continue;
      guilds.push({ id: g.id, name: g.guild.name, icon: g.guild.icon, permissions: permissions.toString(), has_bot: app.bot_user_id ? g.members.has(app.bot_user_id) : false });
    }
    const bot = app.bot_user_id ? this.ctx.state.users.get(app.bot_user_id) : undefined;
    return {
      application: this.applications.toAPI(app),
      bot: bot ? userToAPI(bot) : null,
      user: userToAPI(actor),
      scopes: req.scope,
      permissions: (req.permissions ?? 0n).toString(),
      guilds: guilds.sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /**
   * POST /oauth2/authorize: adds the bot to a guild where the actor has MANAGE_GUILD. With
   * permissions, the bot gets a managed role named after it (tags.bot_id); the actor can only
   * grant permissions they hold themselves (createRole enforces it).
   */
  async authorize(actor: UserRecord, req: AuthorizeRequest, origin: string) {
    const app = this.authorizable(actor, req);
    const permissions = req.permissions ?? 0n;
    if ((permissions & ~ALL_PERMISSIONS) !== 0n) throw DomainError.fieldError('permissions', 'PERMISSIONS_INVALID', 'Unknown permission bits');
    if (!req.scope.includes('bot')) return { location: `${origin}/oauth2/authorized` };
    if (!req.guild_id) throw DomainError.fieldError('guild_id', 'BASE_TYPE_REQUIRED', 'This field is required');
    const g = this.ctx.state.guilds.get(req.guild_id);
    if (!g || !g.members.has(actor.id)) throw new DomainError('UnknownGuild');
    if (!hasPermission(g.basePermissions(actor.id), PermissionFlags.MANAGE_GUILD)) throw new DomainError('MissingPermissions');
    const bot = this.ctx.state.users.get(app.bot_user_id!);
    if (!bot) throw DomainError.fieldError('scope', 'APPLICATION_HAS_NO_BOT', 'This application has no bot user');
    if (g.members.has(bot.id)) return { location: `${origin}/oauth2/authorized`, guild: guildToAPI(g) };
    const roles: string[] = [];
    if (permissions !== 0n) {
      const role = await this.roles.createRole(actor, g.id, { name: bot.username, permissions }, { managed: true, bot_id: bot.id });
      roles.push(role.id);
    }
    await this.members.addMember(g, bot, roles);
    this.audit.recordInBackground({ guildId: g.id, userId: actor.id, targetId: bot.id, actionType: AuditLogEvent.BOT_ADD, reason: null });
    return { location: `${origin}/oauth2/authorized`, guild: guildToAPI(g) };
  }
}
