// Application commands: global and per-guild, create (upsert by name), list, edit, delete and bulk
// overwrite, with Discord's limits. Only the application's bot (or its owner) manages them; members
// list the commands they may use in a guild for the "/" picker. All commands live in memory.
import {
  ApplicationCommandBody,
  PermissionFlags,
  hasPermission,
  parseWith,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type ApplicationCommandInput,
} from '@concord/protocol';
import { LOCAL_CACHES, covers, type CacheFollower } from '../bus/CacheInvalidation.ts';
import { DomainError } from './DomainError.ts';
import type { ApplicationStore } from '../store/ApplicationStore.ts';
import type { ApplicationRecord, CommandRecord } from '../store/botRecords.ts';
import type { UserRecord } from '../store/records.ts';
import type { ApplicationService } from './ApplicationService.ts';
import type { DomainContext } from './DomainContext.ts';

/** Per scope (global, or one guild): Discord's limits by command type. */
const LIMITS: Record<number, number> = { 1: 100, 2: 15, 3: 15 };

export function commandToAPI(c: CommandRecord): APIApplicationCommand {
  const out: APIApplicationCommand = {
    id: c.id,
    type: c.type,
    application_id: c.application_id,
    name: c.name,
    name_localizations: c.name_localizations,
    description: c.description,
    description_localizations: c.description_localizations,
    default_member_permissions: c.default_member_permissions,
    nsfw: c.nsfw,
    contexts: c.contexts,
    integration_types: c.integration_types,
    version: c.version,
  };
  if (c.guild_id) out.guild_id = c.guild_id;
  else out.dm_permission = c.dm_permission;
  if (c.options.length > 0) out.options = c.options as APIApplicationCommandOption[];
  return out;
}

export class CommandService {
  private readonly commands = new Map<string, CommandRecord>();
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: ApplicationStore,
    private readonly apps: ApplicationService,
  ) {}

  async load(): Promise<void> {
    for (const c of await this.store.listCommands()) this.commands.set(c.id, c);
  }

  /** On a cluster bus: an application's commands written on another node are re-read from the store, all of them. */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('commands', async (applicationIds) => {
      const stored = (await this.store.listCommands()).filter((c) => covers(applicationIds, c.application_id));
      for (const [id, c] of this.commands) if (covers(applicationIds, c.application_id)) this.commands.delete(id);
      for (const c of stored) this.commands.set(c.id, c);
    });
  }

  get(commandId: string): CommandRecord | undefined {
    return this.commands.get(commandId);
  }

  /** Global commands of an application plus its commands in one guild. */
  available(applicationId: string, guildId: string | null): CommandRecord[] {
    return [...this.commands.values()].filter((c) => c.application_id === applicationId && (c.guild_id === null || c.guild_id === guildId));
  }

  private scope(applicationId: string, guildId: string | null): CommandRecord[] {
    return [...this.commands.values()].filter((c) => c.application_id === applicationId && c.guild_id === guildId);
  }

  /** The application's bot, or its owner, may manage its commands. Guild commands need the bot in that guild. */
  private manageable(actor: UserRecord, applicationId: string, guildId: string | null): ApplicationRecord {
    const app = this.apps.get(applicationId);
    const allowed = app && (actor.bot ? app.bot_user_id === actor.id : app.owner_id === actor.id);
    if (!app || !allowed) throw new DomainError('UnknownApplication');
    if (guildId !== null) {
      const g = this.ctx.state.guilds.get(guildId);
      if (!g) throw new DomainError('UnknownGuild');
      if (!app.bot_user_id || !g.members.has(app.bot_user_id)) throw new DomainError('MissingAccess');
    }
    return app;
  }

  private build(app: ApplicationRecord, guildId: string | null, input: ApplicationCommandInput, existing: CommandRecord | undefined): CommandRecord {
    const type = input.type ?? 1;
    const record: CommandRecord = {
      id: existing?.id ?? this.ctx.ids.next(),
      application_id: app.id,
      guild_id: guildId,
      name: input.name,
      type,
      version: existing?.version ?? '',
      name_localizations: input.name_localizations ?? null,
      description: type === 1 ? input.description ?? '' : '',
      description_localizations: input.description_localizations ?? null,
      options: input.options ?? [],
      default_member_permissions: input.default_member_permissions == null ? null : input.default_member_permissions.toString(),
      dm_permission: input.dm_permission ?? true,
      nsfw: input.nsfw ?? false,
      contexts: input.contexts ?? null,
      integration_types: input.integration_types ?? [0],
    };
    // A new version id only when the definition changed, as Discord does.
    if (!existing || JSON.stringify({ ...existing, version: '' }) !== JSON.stringify({ ...record, version: '' })) record.version = this.ctx.ids.next();
    return record;
  }

  list(actor: UserRecord, applicationId: string, guildId: string | null): APIApplicationCommand[] {
    this.manageable(actor, applicationId, guildId);
    return this.scope(applicationId, guildId).sort((a, b) => (a.id < b.id ? -1 : 1)).map(commandToAPI);
  }

  getOne(actor: UserRecord, applicationId: string, guildId: string | null, commandId: string): APIApplicationCommand {
    this.manageable(actor, applicationId, guildId);
    return commandToAPI(this.requireCommand(applicationId, guildId, commandId));
  }

  private requireCommand(applicationId: string, guildId: string | null, commandId: string): CommandRecord {
    const c = this.commands.get(commandId);
    if (!c || c.application_id !== applicationId || c.guild_id !== guildId) throw new DomainError('UnknownApplicationCommand');
    return c;
  }

  /** POST: creates, or overwrites the command of the same name and type. Returns whether it was new. */
  async create(actor: UserRecord, applicationId: string, guildId: string | null, input: ApplicationCommandInput): Promise<{ created: boolean; command: APIApplicationCommand }> {
    const app = this.manageable(actor, applicationId, guildId);
    const type = input.type ?? 1;
    const scope = this.scope(applicationId, guildId);
    const existing = scope.find((c) => c.name === input.name && c.type === type);
    if (!existing && scope.filter((c) => c.type === type).length >= (LIMITS[type] ?? 0)) {
      throw new DomainError('MaxApplicationCommands', `Maximum number of application commands reached (${LIMITS[type]})`);
    }
    const record = this.build(app, guildId, input, existing);
    await this.caches.write('commands', applicationId, async () => {
      await this.store.upsertCommand(record);
      this.commands.set(record.id, record);
    });
    return { created: !existing, command: commandToAPI(record) };
  }

  /** PATCH: the merged definition is validated again as a whole. */
  async modify(actor: UserRecord, applicationId: string, guildId: string | null, commandId: string, patch: Record<string, unknown>): Promise<APIApplicationCommand> {
    const app = this.manageable(actor, applicationId, guildId);
    const existing = this.requireCommand(applicationId, guildId, commandId);
    const merged = { ...commandToAPI(existing), ...patch, type: existing.type };
    const parsed = parseWith(ApplicationCommandBody, merged);
    if (!parsed.ok) throw DomainError.invalidForm(parsed.errors);
    if (this.scope(applicationId, guildId).some((c) => c.id !== commandId && c.type === existing.type && c.name === parsed.value.name)) {
      throw DomainError.fieldError('name', 'APPLICATION_COMMAND_ALREADY_EXISTS', 'A command with this name already exists');
    }
    const record = this.build(app, guildId, parsed.value, existing);
    await this.caches.write('commands', applicationId, async () => {
      await this.store.upsertCommand(record);
      this.commands.set(record.id, record);
    });
    return commandToAPI(record);
  }

  async delete(actor: UserRecord, applicationId: string, guildId: string | null, commandId: string): Promise<void> {
    this.manageable(actor, applicationId, guildId);
    this.requireCommand(applicationId, guildId, commandId);
    await this.caches.write('commands', applicationId, async () => {
      await this.store.deleteCommand(commandId);
      this.commands.delete(commandId);
    });
  }

  /** PUT: the scope becomes exactly this list; commands matched by id or by name+type keep their ids. */
  async bulkOverwrite(actor: UserRecord, applicationId: string, guildId: string | null, inputs: ApplicationCommandInput[]): Promise<APIApplicationCommand[]> {
    const app = this.manageable(actor, applicationId, guildId);
    const seen = new Set<string>();
    const counts = new Map<number, number>();
    inputs.forEach((input, i) => {
      const type = input.type ?? 1;
      const key = `${type}:${input.name}`;
      if (seen.has(key)) throw DomainError.invalidForm({ [i]: { name: { _errors: [{ code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique (${input.name})` }] } } });
      seen.add(key);
      counts.set(type, (counts.get(type) ?? 0) + 1);
    });
    for (const [type, n] of counts) if (n > (LIMITS[type] ?? 0)) throw new DomainError('MaxApplicationCommands', `Maximum number of application commands reached (${LIMITS[type]})`);
    const current = this.scope(applicationId, guildId);
    const records = inputs.map((input) => {
      const existing = (input.id ? current.find((c) => c.id === input.id) : undefined) ?? current.find((c) => c.name === input.name && c.type === (input.type ?? 1));
      return this.build(app, guildId, input, existing);
    });
    await this.caches.write('commands', applicationId, async () => {
      await this.store.replaceCommands(applicationId, guildId, records);
      for (const c of current) this.commands.delete(c.id);
      for (const r of records) this.commands.set(r.id, r);
    });
    return records.map(commandToAPI);
  }

  /** Whether a member may see and use a command here (default_member_permissions; admins always). */
  usableBy(command: CommandRecord, memberPermissions: bigint): boolean {
    if (command.default_member_permissions === null) return true;
    if (hasPermission(memberPermissions, PermissionFlags.ADMINISTRATOR)) return true;
    const needed = BigInt(command.default_member_permissions);
    return needed !== 0n && (memberPermissions & needed) === needed;
  }

  /** GET /guilds/:id/application-command-index: the commands of the guild's bots the actor may use. */
  guildIndex(actor: UserRecord, guildId: string) {
    const g = this.ctx.state.guilds.get(guildId);
    if (!g || !g.members.has(actor.id)) throw new DomainError('UnknownGuild');
    const permissions = g.basePermissions(actor.id);
    const applications = [];
    const commands = [];
    for (const app of this.apps.withBotIn(g.members)) {
      const userId = app.bot_user_id!;
      const usable = this.available(app.id, guildId).filter((c) => this.usableBy(c, permissions));
      if (usable.length === 0) continue;
      const bot = this.ctx.state.users.get(userId);
      applications.push({ id: app.id, name: app.name, icon: app.icon, description: app.description, bot_id: userId, bot: bot ? { id: bot.id, username: bot.username, avatar: bot.avatar } : null });
      commands.push(...usable.map(commandToAPI));
    }
    return { applications, application_commands: commands, version: this.ctx.ids.next() };
  }
}
