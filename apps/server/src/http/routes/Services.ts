// The domain services the routes call, bundled so route modules take one argument.
import type { ApplicationService } from '../../domain/ApplicationService.ts';
import type { AuditLogService } from '../../domain/AuditLogService.ts';
import type { AuthService } from '../../domain/AuthService.ts';
import type { AutoModService } from '../../domain/AutoModService.ts';
import type { ChannelService } from '../../domain/ChannelService.ts';
import type { DomainContext } from '../../domain/DomainContext.ts';
import type { CommandService } from '../../domain/CommandService.ts';
import type { GuildService } from '../../domain/GuildService.ts';
import type { InteractionService } from '../../domain/InteractionService.ts';
import type { MessageService } from '../../domain/MessageService.ts';
import type { WebhookService } from '../../domain/WebhookService.ts';
import type { AttachmentStore } from '../../store/AttachmentStore.ts';

export interface Services {
  ctx: DomainContext;
  auth: AuthService;
  guilds: GuildService;
  channels: ChannelService;
  messages: MessageService;
  attachments: AttachmentStore;
  gatewayUrl: (origin: string) => string;
  sessionStartLimit: (userId: string) => unknown;
  // The bot platform (issue 6).
  applications: ApplicationService;
  commands: CommandService;
  interactions: InteractionService;
  webhooks: WebhookService;
  auditLog: AuditLogService;
  autoMod: AutoModService;
}
