// IDENTIFY (op 2): authenticate, check intents, shard and the session start limit, make the
// session, and send READY (plus GUILD_CREATE per guild for bots, as Discord streams them).
import { ALL_INTENTS, GatewayCloseCode, GatewayOpcode, IdentifyData, PRIVILEGED_INTENTS, publicActivities, type DispatchEventName, type DispatchPayloads, type ReadyPayload, type z } from '@concord/protocol';
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { AuthService } from '../domain/AuthService.ts';
import type { DomainContext } from '../domain/DomainContext.ts';
import { relationshipsToAPI } from '../domain/RelationshipService.ts';
import { gatewayGuildFor, privateChannelFor, selfUserToAPI } from '../domain/serialize.ts';
import type { Metrics } from '../metrics.ts';
import type { UserRecord } from '../store/records.ts';
import type { FanOut } from './FanOut.ts';
import type { ClientKind } from './GatewaySession.ts';
import { AUTHENTICATING_PHASE, HELLO_PHASE, isClosed, type GatewaySocket } from './GatewaySocket.ts';
import type { SessionRegistry } from './SessionRegistry.ts';
import type { SessionStartLimiter } from './SessionStartLimiter.ts';
import type { SocketWriter } from './SocketWriter.ts';

type Identify = z.infer<typeof IdentifyData>;
interface ReadState {
  channel_id: string;
  last_message_id: string | null;
  mention_count: number;
}

export interface IdentifyOptions {
  publicWsUrl: string | null;
  /** Whether a bot user may use privileged intents (filled in by the applications module). */
  privilegedIntentsAllowed?: (user: UserRecord) => number;
  /** Extra READY fields for bots (the application object). */
  readyExtras?: (user: UserRecord) => Record<string, unknown>;
  /** Events a new session gets right after READY (the calls going on in its DMs: CALL_CREATE, as Discord sends them). */
  afterReady?: (user: UserRecord, send: <T extends DispatchEventName>(t: T, d: DispatchPayloads[T]) => void) => void;
}

export class IdentifyHandler {
  constructor(
    private readonly ctx: DomainContext,
    private readonly auth: AuthService,
    private readonly writer: SocketWriter,
    private readonly fanOut: FanOut,
    private readonly registry: SessionRegistry,
    private readonly startLimiter: SessionStartLimiter,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: IdentifyOptions,
  ) {}

  identify(ws: GatewaySocket, raw: unknown): void {
    const ud = ws.getUserData();
    if (ud.phase.status !== 'hello') {
      this.writer.close(ws, GatewayCloseCode.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const parsed = IdentifyData.safeParse(raw);
    if (!parsed.success) {
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Invalid identify payload.');
      return;
    }
    ud.phase = AUTHENTICATING_PHASE;
    const data = parsed.data;
    this.auth
      .authenticate(data.token, 'gateway')
      .then(async (user) => {
        if (isClosed(ud)) return;
        if (!user) {
          this.writer.close(ws, GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        if (!this.startLimiter.tryStart(user.id, Date.now())) {
          this.writer.send(ws, { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null });
          ud.phase = HELLO_PHASE;
          return;
        }
        let intents: number | null = data.intents ?? null;
        if (user.bot && intents === null) {
          this.writer.close(ws, GatewayCloseCode.InvalidIntents, 'Invalid intent(s).');
          return;
        }
        if (intents !== null) {
          if ((intents & ~ALL_INTENTS) !== 0) {
            this.writer.close(ws, GatewayCloseCode.InvalidIntents, 'Invalid intent(s).');
            return;
          }
          const allowed = user.bot ? (this.options.privilegedIntentsAllowed?.(user) ?? 0) : PRIVILEGED_INTENTS;
          if ((intents & PRIVILEGED_INTENTS & ~allowed) !== 0) {
            this.writer.close(ws, GatewayCloseCode.DisallowedIntents, 'Disallowed intent(s).');
            return;
          }
          if (!user.bot) intents = null; // user clients get everything they can see
        }
        const shard = data.shard ?? null;
        if (shard && shard[0] >= shard[1]) {
          this.writer.close(ws, GatewayCloseCode.InvalidShard, 'Invalid shard.');
          return;
        }
        const readStates = user.bot ? [] : await this.ctx.meta.getReadStates(user.id);
        if (isClosed(ud)) return;
        this.startSession(ws, user, data, intents, shard, readStates);
      })
      .catch((e: unknown) => {
        this.metrics.handlerErrors.inc({ where: 'gateway.identify' });
        this.log.error({ err: e }, 'identify failed');
        if (!isClosed(ud)) this.writer.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
      });
  }

  private startSession(ws: GatewaySocket, user: UserRecord, data: Identify, intents: number | null, shard: readonly [number, number] | null, readStates: readonly ReadState[]): void {
    const ud = ws.getUserData();
    const client = clientKind(data.properties ?? {}, user.bot);
    const perSession = user.bot || ud.compress || intents !== null;
    const s = this.registry.create(crypto.randomBytes(16).toString('hex'), user, ws, ud.codec, perSession, intents, shard, client);
    ud.phase = { status: 'ready', session: s };
    ud.lastHeartbeatAtMs = Date.now();

    const state = this.ctx.state;
    const presenceOf = (id: string) => this.ctx.presence.get(id);
    const guildIds = [...(state.userGuilds.get(user.id) ?? [])].filter((id) => s.inShard(id));
    const largeThreshold = data.large_threshold ?? 250;
    const ready: ReadyPayload = {
      v: ud.version,
      user: selfUserToAPI(user),
      guilds: user.bot
        ? guildIds.map((id) => ({ id, unavailable: true as const }))
        : guildIds.map((id) => gatewayGuildFor(state.guilds.get(id)!, user.id, state, presenceOf, largeThreshold)),
      private_channels: s.receivesPrivate
        ? [...(state.userPrivateChannels.get(user.id) ?? [])].map((id) => state.channels.get(id)).filter((c) => c !== undefined).map((c) => privateChannelFor(c, user.id, state))
        : [],
      read_state: { version: 1, partial: false, entries: readStates.map((r) => ({ id: r.channel_id, last_message_id: r.last_message_id, mention_count: r.mention_count })) },
      relationships: user.bot ? [] : relationshipsToAPI(state, user.id),
      presences: [],
      session_id: s.id,
      session_type: 'normal',
      resume_gateway_url: this.options.publicWsUrl ?? `ws://${ud.host}`,
      user_settings: {},
      _trace: ['concord-gateway'],
      ...(shard ? { shard: [shard[0], shard[1]] as [number, number] } : {}),
      ...(this.options.readyExtras?.(user) ?? {}),
    };
    this.fanOut.sendDirect(s, 'READY', ready);
    if (user.bot) {
      for (const id of guildIds) this.fanOut.sendDirect(s, 'GUILD_CREATE', gatewayGuildFor(state.guilds.get(id)!, user.id, state, presenceOf, largeThreshold));
    }
    if (s.receivesPrivate) this.options.afterReady?.(user, (t, d) => this.fanOut.sendDirect(s, t, d));
    const presence = data.presence;
    const status = presence?.status ?? 'online';
    this.ctx.presence.setSession(user.id, s.id, { status, activities: publicActivities(presence?.activities, user.bot), client });
  }
}

/** Which presence client a session counts as, from IDENTIFY's properties (Discord's $os/$browser too). */
export function clientKind(props: Readonly<Record<string, string | number | boolean | null>>, bot: boolean): ClientKind {
  const os = String(props['os'] ?? props['$os'] ?? '').toLowerCase();
  const browser = String(props['browser'] ?? props['$browser'] ?? '').toLowerCase();
  if (os === 'android' || os === 'ios') return 'mobile';
  return browser.includes('desktop') || browser.includes('electron') || bot ? 'desktop' : 'web';
}
