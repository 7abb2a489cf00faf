// Composition of the bot platform (applications, commands, interactions, webhooks, audit log, auto
// moderation) on top of the core domain, so Server.ts wires it with a few lines. Its routes are in
// http/routes/botPlatformRoutes.ts: the domain's composition does not know about HTTP.
import type { Logger } from 'pino';
import type { CacheFollower } from './bus/CacheInvalidation.ts';
import { ApplicationService } from './domain/ApplicationService.ts';
import { AuditLogService } from './domain/AuditLogService.ts';
import type { AuthService } from './domain/AuthService.ts';
import { AutoModService } from './domain/AutoModService.ts';
import { CommandService } from './domain/CommandService.ts';
import type { DomainContext } from './domain/DomainContext.ts';
import { InteractionService } from './domain/interactions/InteractionService.ts';
import type { MemberService } from './domain/MemberService.ts';
import type { MessageService } from './domain/MessageService.ts';
import { OAuth2Service } from './domain/OAuth2Service.ts';
import type { RoleService } from './domain/RoleService.ts';
import { WebhookMessageWriter } from './domain/WebhookMessageWriter.ts';
import { WebhookService } from './domain/WebhookService.ts';
import type { ApplicationStore } from './store/ApplicationStore.ts';
import type { ModerationStore } from './store/ModerationStore.ts';
import type { WebhookStore } from './store/WebhookStore.ts';

export interface BotPlatform {
  applications: ApplicationService;
  oauth2: OAuth2Service;
  commands: CommandService;
  interactions: InteractionService;
  webhooks: WebhookService;
  auditLog: AuditLogService;
  autoMod: AutoModService;
}

export interface BotPlatformDeps {
  ctx: DomainContext;
  /** The bot platform's ports, on whichever database openStores chose. */
  stores: { applications: ApplicationStore; moderation: ModerationStore; webhooks: WebhookStore };
  auth: AuthService;
  members: MemberService;
  roles: RoleService;
  messages: MessageService;
  log: Logger;
  /** On a cluster bus: the services' caches follow other nodes' writes (see CacheInvalidation); absent in one process. */
  caches?: CacheFollower | null | undefined;
}

/** Builds the services, loads their state and installs auto moderation as the message gate. */
export async function createBotPlatform(d: BotPlatformDeps): Promise<BotPlatform> {
  const appStore = d.stores.applications;
  const moderationStore = d.stores.moderation;
  const auditLog = new AuditLogService(d.ctx, moderationStore, d.log);
  const applications = new ApplicationService(d.ctx, appStore, d.auth);
  const oauth2 = new OAuth2Service(d.ctx, applications, d.auth, d.members, d.roles, auditLog);
  const commands = new CommandService(d.ctx, appStore, applications);
  const writer = new WebhookMessageWriter(d.ctx, d.messages);
  const interactions = new InteractionService(d.ctx, applications, commands, writer);
  const webhooks = new WebhookService(d.ctx, d.stores.webhooks, writer, auditLog);
  const autoMod = new AutoModService(d.ctx, moderationStore, d.messages, auditLog);
  await Promise.all([applications.load(), commands.load(), webhooks.load(), autoMod.load()]);
  if (d.caches) for (const s of [applications, commands, webhooks, autoMod]) s.followCluster(d.caches);
  d.ctx.messageGate = autoMod;
  return { applications, oauth2, commands, interactions, webhooks, auditLog, autoMod };
}
