// The domain services the routes call, bundled so route modules take one argument.
import type { BotPlatform } from '../../BotPlatform.ts';
import type { AuthService } from '../../domain/AuthService.ts';
import type { ChannelService } from '../../domain/ChannelService.ts';
import type { DomainContext } from '../../domain/DomainContext.ts';
import type { BanService } from '../../domain/BanService.ts';
import type { CallService } from '../../domain/CallService.ts';
import type { GuildService } from '../../domain/GuildService.ts';
import type { InviteService } from '../../domain/InviteService.ts';
import type { MemberService } from '../../domain/MemberService.ts';
import type { CrosspostService } from '../../domain/CrosspostService.ts';
import type { ExpressionService } from '../../domain/ExpressionService.ts';
import type { MessageService } from '../../domain/MessageService.ts';
import type { PinService } from '../../domain/PinService.ts';
import type { PrivateChannelService } from '../../domain/PrivateChannelService.ts';
import type { ReactionService } from '../../domain/ReactionService.ts';
import type { ReadStateService } from '../../domain/ReadStateService.ts';
import type { RoleService } from '../../domain/RoleService.ts';
import type { TypingService } from '../../domain/TypingService.ts';
import type { VoiceStateService } from '../../domain/VoiceStateService.ts';
import type { BoostService } from '../../domain/premium/BoostService.ts';
import type { InstanceAudit } from '../../domain/premium/InstanceAudit.ts';
import type { PremiumService } from '../../domain/premium/PremiumService.ts';
import type { AttachmentStore } from '../../store/AttachmentStore.ts';

/** The core services plus the bot platform's (applications, commands, interactions, webhooks, audit log, auto moderation). */
export interface Services extends BotPlatform {
  ctx: DomainContext;
  auth: AuthService;
  guilds: GuildService;
  members: MemberService;
  bans: BanService;
  roles: RoleService;
  channels: ChannelService;
  invites: InviteService;
  privateChannels: PrivateChannelService;
  messages: MessageService;
  reactions: ReactionService;
  pins: PinService;
  typing: TypingService;
  readStates: ReadStateService;
  crossposts: CrosspostService;
  voiceStates: VoiceStateService;
  /** DM and group DM calls. */
  calls: CallService;
  attachments: AttachmentStore;
  premium: PremiumService;
  /** Boosts and guild tiers; `boosts.tierOf(guildId)` is the accessor for tier-gated limits. */
  boosts: BoostService;
  instanceAudit: InstanceAudit;
  gatewayUrl: (origin: string) => string;
  sessionStartLimit: (userId: string) => unknown;
  /** Custom emoji and stickers. */
  expressions: ExpressionService;
}
