// Composition root: opens storage, builds the domain, and serves REST, the gateway, attachments,
// health, metrics and the web client from one uWebSockets.js app on one port.
import { PremiumType, SnowflakeGenerator, maxUploadBytes } from '@concord/protocol';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import uws, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import { createBotPlatform } from './BotPlatform.ts';
import { snowflakeBits } from './bus/NodeIdLease.ts';
import { openBus } from './bus/openBus.ts';
import { OrderedLogBus } from './bus/OrderedLogBus.ts';
import { ClusterNodes } from './bus/ClusterNodes.ts';
import { CacheInvalidation } from './bus/CacheInvalidation.ts';
import { StateReplicator } from './bus/StateReplicator.ts';
import { loadConfig, type Config } from './config.ts';
import { AuthService } from './domain/AuthService.ts';
import { ChannelService } from './domain/ChannelService.ts';
import type { DomainContext } from './domain/DomainContext.ts';
import { DomainState } from './domain/DomainState.ts';
import { BanService } from './domain/BanService.ts';
import { GuildService } from './domain/GuildService.ts';
import { InviteService } from './domain/InviteService.ts';
import { MemberService } from './domain/MemberService.ts';
import { CrosspostService } from './domain/CrosspostService.ts';
import { ExpressionService } from './domain/ExpressionService.ts';
import { MessageService } from './domain/MessageService.ts';
import { PinService } from './domain/PinService.ts';
import { PrivateChannelService } from './domain/PrivateChannelService.ts';
import { ReactionService } from './domain/ReactionService.ts';
import { ReadStateService } from './domain/ReadStateService.ts';
import { RoleService } from './domain/RoleService.ts';
import { TypingService } from './domain/TypingService.ts';
import { CallService } from './domain/CallService.ts';
import { VoiceStateService } from './domain/VoiceStateService.ts';
import { PresenceService } from './domain/PresenceService.ts';
import { RelationshipService } from './domain/RelationshipService.ts';
import { BoostService } from './domain/premium/BoostService.ts';
import { InstanceAudit } from './domain/premium/InstanceAudit.ts';
import { InstanceBillingProvider } from './domain/premium/InstanceBillingProvider.ts';
import { PremiumService } from './domain/premium/PremiumService.ts';
import { Gateway } from './gateway/Gateway.ts';
import { HttpServer } from './http/HttpServer.ts';
import { redactingLogger } from './http/logRedaction.ts';
import { NOT_FOUND_BODY, serveFile } from './http/serveFile.ts';
import { UwsGuard } from './http/UwsGuard.ts';
import { authRoutes } from './http/routes/authRoutes.ts';
import { botPlatformRoutes } from './http/routes/botPlatformRoutes.ts';
import { channelRoutes } from './http/routes/channelRoutes.ts';
import { detectableRoutes } from './http/routes/detectableRoutes.ts';
import { expressionRoutes } from './http/routes/expressionRoutes.ts';
import { attachExpressionFiles } from './http/serveExpressionFiles.ts';
import { guildRoutes } from './http/routes/guildRoutes.ts';
import { relationshipRoutes } from './http/routes/relationshipRoutes.ts';
import { voiceRoutes } from './http/routes/voiceRoutes.ts';
import { callRoutes } from './http/routes/callRoutes.ts';
import { adminRoutes } from './http/routes/adminRoutes.ts';
import { premiumRoutes } from './http/routes/premiumRoutes.ts';
import { attachOAuth2Page } from './http/routes/oauth2Routes.ts';
import type { Services } from './http/routes/Services.ts';
import { Metrics } from './metrics.ts';
import { AttachmentStore, contentTypeFor, isInline } from './store/AttachmentStore.ts';
import { openStores } from './store/openStores.ts';
import { VoiceNodeControlServer } from './voice/control/VoiceNodeControlServer.ts';
import { VoiceNodeRegistry } from './voice/VoiceNodeRegistry.ts';
import { startLocalVoice, type LocalVoice } from './voice/startLocalVoice.ts';

export type UwsImplementation = 'native' | 'fallback';

/** Which uWebSockets.js loaded: the native addon, or the JS shim whose publish() throws. */
export function uwsImplementation(): UwsImplementation {
  return typeof uws.App === 'function' && Function.prototype.toString.call(uws.App).includes('[native code]') ? 'native' : 'fallback';
}

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  gateway: Gateway;
  services: Services;
  /** Voice nodes (voice gateway + SFU) that voice states are granted on; a node registers itself here. */
  voiceNodes: VoiceNodeRegistry;
  /** The in-process voice node (TLS voice gateway + UDP media); null with VOICE=off. */
  voice: LocalVoice | null;
  /** Where voice node processes (`npm run voice`) register (/internal/voice-nodes, VOICE_NODE_SECRET). */
  voiceNodeControl: VoiceNodeControlServer;
  log: Logger;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_WEB_ROOT = path.resolve(here, '../../desktop/dist/web');

export interface StartOptions {
  /** Overrides of environment variables (PORT, DATA_DIR, ...). */
  env?: Record<string, string | undefined>;
  logger?: Logger;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig({ ...process.env, ...options.env });
  const log = redactingLogger(options.logger ?? pino({ level: config.logLevel, base: { svc: 'concord' } }));
  const impl = uwsImplementation();
  log.info({ uws: impl }, `uWebSockets.js implementation: ${impl}`);
  if (impl !== 'native' && !config.uwsAllowFallback) {
    throw new Error('uWebSockets.js native addon did not load (JS fallback active, which cannot publish). Reinstall dependencies on a supported platform, or set UWS_ALLOW_FALLBACK=1 to run anyway.');
  }

  const stores = await openStores(config, log);
  const { messages } = stores;
  const node = await openBus(config.bus, {
    retentionMs: config.resumeWindowMs,
    maxMessages: config.replayBufferEvents,
    log,
    onLeaseLost: (reason) => {
      log.fatal(reason);
      process.kill(process.pid, 'SIGTERM');
    },
  });
  const state = DomainState.fromSnapshot(await stores.meta.loadSnapshot());
  const bus = node.bus;
  // On a cluster bus every node's memory follows every node's metadata writes (see StateReplicator).
  const replicator = bus.sequenced ? new StateReplicator(state, bus, { onError: (err) => log.error({ err }, 'state re-read of a contested record failed') }) : null;
  const meta = replicator ? replicator.replicating(stores.meta) : stores.meta;
  const cluster = bus.sequenced ? new ClusterNodes(bus, node.node) : null;
  // The services' own caches (applications, webhooks, rules, premium, emoji, tokens...) follow other nodes' writes.
  const caches = cluster ? new CacheInvalidation(bus, cluster, { onError: (what, err) => log.error({ err, what }, 'cache reload failed') }) : null;
  const idBits = node.nodeId === null ? { workerId: config.workerId, processId: config.processId } : snowflakeBits(node.nodeId);
  const presence = new PresenceService(state, bus, cluster);
  const metrics = new Metrics();
  const guard = new UwsGuard(log, metrics);
  let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const ctx: DomainContext = {
    state,
    meta,
    messages,
    bus,
    ids: new SnowflakeGenerator(idBits.workerId, idBits.processId),
    presence,
    cluster,
    publicUrl: () => publicUrl,
    dataDir: config.dataDir,
    maxUploadBytes: config.maxUploadBytes,
  };
  const auth = new AuthService(ctx);
  const guilds = new GuildService(ctx);
  const voiceNodes = new VoiceNodeRegistry();
  const voiceStates = new VoiceStateService(ctx, voiceNodes);
  const members = new MemberService(ctx, guilds, voiceStates);
  const roles = new RoleService(ctx);
  const privateChannels = new PrivateChannelService(ctx);
  const channels = new ChannelService(ctx, privateChannels);
  const messageService = new MessageService(ctx);
  const calls = new CallService(ctx, voiceNodes, voiceStates, messageService, {
    ringTimeoutMs: config.callRingTimeoutMs,
    onMessageError: (e) => log.error({ err: e }, 'a DM call message could not be stored or updated'),
  });
  const attachments = new AttachmentStore(config.dataDir);
  const premiumStore = stores.premium;
  const instanceAudit = new InstanceAudit(premiumStore, ctx.ids);
  const boosts = new BoostService(ctx, premiumStore, messageService, instanceAudit);
  const premium = new PremiumService(ctx, premiumStore, new InstanceBillingProvider(premiumStore), boosts, instanceAudit, {
    instanceAdmins: config.instanceAdmins,
    sweepIntervalMs: config.premiumSweepMs,
    onSweepError: (e) => log.error({ err: e }, 'premium expiry sweep failed; retried on the next tick'),
  });
  await premium.load();
  await boosts.load();
  if (caches) for (const s of [auth, premium, boosts]) s.followCluster(caches);
  await premium.sweep();
  premium.start();
  const bots = await createBotPlatform({ ctx, stores, auth, members, roles, messages: messageService, log, caches });
  metrics.countAutoModBudgetExhausted(() => bots.autoMod.patternBudgetExhausted);
  if (replicator && caches && cluster) metrics.countReplicas({ presence, voiceStates, calls, caches, interactions: bots.interactions, replicator, nodes: cluster });
  if (bus instanceof OrderedLogBus) metrics.countBus(bus.stats);
  const expressions = new ExpressionService(ctx, stores.expressions, attachments, bots.auditLog);
  // Emoji beyond a tier's slots turn unavailable (and back) when boosts move the tier: tell the guild.
  boosts.onTierChange = (g) => {
    expressions.announceEmojis(g);
    expressions.announceStickers(g);
  };
  await expressions.load();
  if (caches) expressions.followCluster(caches);

  const app = uws.App();
  const gateway = new Gateway(ctx, auth, log, metrics, guard, {
    resumeWindowMs: config.resumeWindowMs,
    cluster: node.sessions ? { directory: node.sessions, node: node.node, resumeCatchUpTimeoutMs: config.bus.resumeCatchUpMs } : undefined,
    replayBufferEvents: config.replayBufferEvents,
    maxSocketsPerIp: config.maxSocketsPerIp,
    identifyTimeoutMs: config.identifyTimeoutMs,
    publicWsUrl: config.publicUrl ? config.publicUrl.replace(/^http/, 'ws') : null,
    privilegedIntentsAllowed: (user) => bots.applications.privilegedIntentsAllowed(user),
    readyExtras: (user) => bots.applications.readyExtras(user),
    // A session that starts while a call goes on in one of its DMs learns of it (a reload mid-call).
    afterReady: (user, send) => {
      for (const channelId of ctx.state.userPrivateChannels.get(user.id) ?? []) {
        const call = calls.callOf(channelId);
        if (call) send('CALL_CREATE', call);
      }
    },
    voiceStates,
  });
  const services: Services = {
    ctx,
    auth,
    guilds,
    members,
    bans: new BanService(ctx, members),
    roles,
    channels,
    invites: new InviteService(ctx, members),
    privateChannels,
    messages: messageService,
    reactions: new ReactionService(ctx),
    pins: new PinService(ctx, messageService),
    typing: new TypingService(ctx),
    readStates: new ReadStateService(ctx),
    crossposts: new CrosspostService(ctx, messageService),
    voiceStates,
    calls,
    attachments,
    premium,
    boosts,
    instanceAudit,
    gatewayUrl: (origin) => (config.publicUrl ?? origin).replace(/^http/, 'ws'),
    sessionStartLimit: (userId) => gateway.sessionStartLimit(userId),
    expressions,
    ...bots,
  };
  const http = new HttpServer(auth, metrics, { rateLimits: config.rateLimits, maxUploadBytes: config.maxUploadBytes, maxUploadCeilingBytes: maxUploadBytes(config.maxUploadBytes, PremiumType.NITRO, 3) }, guard);
  http.addRoutes([...authRoutes(services), ...botPlatformRoutes(services, [...guildRoutes(services), ...channelRoutes(services)])]);
  http.addRoutes(relationshipRoutes(new RelationshipService(ctx)));
  http.addRoutes(expressionRoutes(expressions));
  http.addRoutes([...voiceRoutes(services), ...callRoutes(services)]);
  http.addRoutes(detectableRoutes());
  http.addRoutes([...premiumRoutes(services), ...adminRoutes(services)]);
  http.attach(app);

  app.get(
    '/healthz',
    guard.http('healthz', (r) => {
      r.respond('200 OK', { 'content-type': 'application/json' }, JSON.stringify({ ok: true, sessions: gateway.connectedCount, uws: impl }));
    }),
  );
  app.get(
    '/metrics',
    guard.http('metrics', async (r, req) => {
      const refusal = metricsRefusal(config.metricsToken, req.getHeader('authorization'), decodeText(r.res.getRemoteAddressAsText()));
      if (refusal) {
        r.respond(refusal.status, { 'content-type': 'application/json' }, refusal.body);
        return;
      }
      const text = await metrics.registry.metrics();
      r.respond('200 OK', { 'content-type': metrics.registry.contentType }, text);
    }),
  );
  app.get(
    '/attachments/:sha/:name',
    guard.http('attachments', async (r, req) => {
      const file = attachments.locate(req.getParameter(0));
      const name = safeDecodeURIComponent(req.getParameter(1)) ?? 'file';
      const type = contentTypeFor(name);
      await serveFile(r, file, {
        'content-type': type,
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=31536000, immutable',
        ...(isInline(type) ? {} : { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` }),
      });
    }),
  );
  attachExpressionFiles(app, guard, expressions, attachments);
  const voiceNodeControl = new VoiceNodeControlServer(voiceNodes, { secret: config.voiceNodeSecret, heartbeatIntervalMs: config.voiceNodeHeartbeatMs }, guard, log);
  voiceNodeControl.attach(app);
  gateway.attach(app);
  await node.start();
  cluster?.start();
  attachOAuth2Page(app, guard);
  const webRoot = config.webRoot ?? DEFAULT_WEB_ROOT;
  attachWebClient(app, webRoot, log, guard);
  // Any other method on any path (HEAD /healthz, POST /, PROPFIND ...) gets an answer, not a dropped connection.
  app.any(
    '/*',
    guard.http('fallback', (r, req) => {
      const headOnly = req.getMethod() === 'head';
      r.respond('405 Method Not Allowed', { 'content-type': 'application/json' }, '{"message":"405: Method Not Allowed","code":0}', headOnly);
    }),
  );

  const voice = config.voice ? await startLocalVoice(config.voice, config.dataDir, guard, log) : null;
  if (voice) voiceNodes.register(voice.node);

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) => (socket ? resolve(socket) : reject(new Error(`cannot listen on ${config.host}:${config.port} (port in use?)`))));
  });
  const port = uws.us_socket_local_port(listenSocket);
  publicUrl = config.publicUrl ?? `http://${config.host}:${port}`;
  log.info({ port, dataDir: config.dataDir, webRoot: fs.existsSync(webRoot) ? webRoot : null }, `Concord listening on ${publicUrl}`);

  return {
    url: publicUrl,
    port,
    config,
    gateway,
    services,
    voiceNodes,
    voice,
    voiceNodeControl,
    log,
    async close() {
      premium.stop();
      gateway.shutdown();
      calls.close();
      voiceStates.close();
      replicator?.close();
      presence.close();
      caches?.close();
      cluster?.close();
      await node.close();
      voiceNodeControl.close();
      await voice?.node.close();
      uws.us_listen_socket_close(listenSocket);
      // Also end keep-alive HTTP connections: a request on one must not reach the closed database.
      // (App.close() exists in the native addon but is missing from its type declarations.)
      (app as TemplatedApp & { close?: () => void }).close?.();
      await stores.close();
    },
  };
}

/**
 * The web client talks only to this server; the page's meta CSP is looser because Electron reuses it from file://.
 * 'wasm-unsafe-eval' lets it compile its own WebAssembly (RNNoise in the voice AudioWorklet), not eval.
 */
const WEB_CLIENT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const textDecoder = new TextDecoder();
const decodeText = (b: ArrayBuffer) => textDecoder.decode(b);

/** decodeURIComponent without the URIError: null for malformed percent-encoding. */
function safeDecodeURIComponent(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

const FORBIDDEN_BODY = '{"message":"403: Forbidden","code":0}';

/**
 * Who may read /metrics: with METRICS_TOKEN set, a matching bearer token (from anywhere); without
 * it, loopback peers only. Null when allowed, else the answer.
 */
function metricsRefusal(token: string | null, authorization: string, peer: string): { status: string; body: string } | null {
  if (token !== null) {
    const given = Buffer.from(authorization);
    const expected = Buffer.from(`Bearer ${token}`);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? null : { status: '403 Forbidden', body: FORBIDDEN_BODY };
  }
  return isLoopback(peer) ? null : { status: '404 Not Found', body: NOT_FOUND_BODY };
}

/** 127.0.0.0/8 and ::1, also as uWS spells them (IPv4-mapped, zero-padded IPv6). */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (a.startsWith('127.') || a === '::1') return true;
  if (/^(?:0{1,4}:){5}ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(a) || a.startsWith('::ffff:127.')) return true;
  return /^(?:0{1,4}:){7}0{0,3}1$/.test(a);
}

const WEB_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
  woff2: 'font/woff2',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
};

/** Serves the built web client; unknown paths get index.html so client-side routes work. */
function attachWebClient(app: TemplatedApp, webRoot: string, log: Logger, guard: UwsGuard): void {
  const root = path.resolve(webRoot);
  app.get(
    '/*',
    guard.http('web', async (r, req) => {
      const rel = (safeDecodeURIComponent(req.getUrl()) ?? '').replace(/^\/+/, '');
      let file = path.resolve(root, rel || 'index.html');
      if (!file.startsWith(root + path.sep) && file !== root) file = path.join(root, 'index.html');
      if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        // The build uses relative asset URLs (so Electron can load it from file://): on a client-side
        // route such as /invite/abc the browser asks for /invite/assets/x.js, which is /assets/x.js.
        const nested = /(?:^|\/)assets\/([^/]+)$/.exec(rel);
        const asset = nested ? path.join(root, 'assets', nested[1]!) : null;
        file = asset && fs.existsSync(asset) ? asset : path.join(root, 'index.html');
      }
      if (!fs.existsSync(file)) {
        r.respond('503 Service Unavailable', { 'content-type': 'text/plain; charset=utf-8' }, 'The web client is not built. Run `npm run build:web` (npm start does this for you).');
        log.debug({ webRoot }, 'web client requested but not built');
        return;
      }
      const ext = path.extname(file).slice(1);
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      await serveFile(r, file, {
        'content-type': WEB_TYPES[ext] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...(ext === 'html' ? { 'content-security-policy': WEB_CLIENT_CSP } : {}),
      });
    }),
  );
}
