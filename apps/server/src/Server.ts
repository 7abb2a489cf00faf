// Composition root: opens storage, builds the domain, and serves REST, the gateway, attachments,
// health, metrics and the web client from one uWebSockets.js app on one port.
import { SnowflakeGenerator } from '@concord/protocol';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import uws, { type HttpResponse, type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import { botPlatformRoutes, createBotPlatform } from './BotPlatform.ts';
import { InProcessEventBus } from './bus/InProcessEventBus.ts';
import { loadConfig, type Config } from './config.ts';
import { AuthService } from './domain/AuthService.ts';
import { ChannelService } from './domain/ChannelService.ts';
import type { DomainContext } from './domain/DomainContext.ts';
import { DomainState } from './domain/DomainState.ts';
import { GuildService } from './domain/GuildService.ts';
import { MessageService } from './domain/MessageService.ts';
import { PresenceService } from './domain/PresenceService.ts';
import { RelationshipService } from './domain/RelationshipService.ts';
import { Gateway } from './gateway/Gateway.ts';
import { HttpServer } from './http/HttpServer.ts';
import { authRoutes } from './http/routes/authRoutes.ts';
import { channelRoutes } from './http/routes/channelRoutes.ts';
import { guildRoutes } from './http/routes/guildRoutes.ts';
import { relationshipRoutes } from './http/routes/relationshipRoutes.ts';
import { attachOAuth2Page } from './http/routes/oauth2Routes.ts';
import type { Services } from './http/routes/Services.ts';
import { Metrics } from './metrics.ts';
import { AttachmentStore, contentTypeFor, isInline } from './store/AttachmentStore.ts';
import { openSqlite } from './store/sqlite/SqliteDatabase.ts';
import { SqliteMessageStore } from './store/sqlite/SqliteMessageStore.ts';
import { SqliteMetadataStore } from './store/sqlite/SqliteMetadataStore.ts';

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
  const log = options.logger ?? pino({ level: config.logLevel, base: { svc: 'concord' } });
  const impl = uwsImplementation();
  log.info({ uws: impl }, `uWebSockets.js implementation: ${impl}`);
  if (impl !== 'native' && !config.uwsAllowFallback) {
    throw new Error('uWebSockets.js native addon did not load (JS fallback active, which cannot publish). Reinstall dependencies on a supported platform, or set UWS_ALLOW_FALLBACK=1 to run anyway.');
  }

  const db = openSqlite(config.dataDir, config.sqliteSynchronous);
  const meta = new SqliteMetadataStore(db);
  const messages = new SqliteMessageStore(db);
  const state = DomainState.fromSnapshot(await meta.loadSnapshot());
  const bus = new InProcessEventBus();
  const presence = new PresenceService(state, bus);
  const metrics = new Metrics();
  let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const ctx: DomainContext = {
    state,
    meta,
    messages,
    bus,
    ids: new SnowflakeGenerator(config.workerId, config.processId),
    presence,
    publicUrl: () => publicUrl,
    dataDir: config.dataDir,
    maxUploadBytes: config.maxUploadBytes,
  };
  const auth = new AuthService(ctx);
  const guilds = new GuildService(ctx);
  const channels = new ChannelService(ctx, guilds);
  const messageService = new MessageService(ctx);
  const attachments = new AttachmentStore(config.dataDir);
  const bots = await createBotPlatform({ ctx, db, auth, guilds, messages: messageService, log });

  const app = uws.App();
  const gateway = new Gateway(ctx, auth, log, metrics, {
    resumeWindowMs: config.resumeWindowMs,
    replayBufferEvents: config.replayBufferEvents,
    publicWsUrl: config.publicUrl ? config.publicUrl.replace(/^http/, 'ws') : null,
    privilegedIntentsAllowed: (user) => bots.applications.privilegedIntentsAllowed(user),
    readyExtras: (user) => bots.applications.readyExtras(user),
  });
  const services: Services = {
    ctx,
    auth,
    guilds,
    channels,
    messages: messageService,
    attachments,
    gatewayUrl: (origin) => (config.publicUrl ?? origin).replace(/^http/, 'ws'),
    sessionStartLimit: (userId) => gateway.sessionStartLimit(userId),
    ...bots,
  };
  const http = new HttpServer(auth, log, metrics, { rateLimits: config.rateLimits, maxUploadBytes: config.maxUploadBytes });
  http.addRoutes([...authRoutes(services), ...botPlatformRoutes(services, [...guildRoutes(services), ...channelRoutes(services)])]);
  http.addRoutes(relationshipRoutes(new RelationshipService(ctx)));
  http.attach(app);

  app.get('/healthz', (res) => {
    res.cork(() => res.writeHeader('content-type', 'application/json').end(JSON.stringify({ ok: true, sessions: gateway.connectedCount, uws: impl })));
  });
  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    metrics.registry
      .metrics()
      .then((text) => {
        if (!aborted) res.cork(() => res.writeHeader('content-type', metrics.registry.contentType).end(text));
      })
      .catch((e: unknown) => {
        log.error({ err: e }, 'metrics rendering failed');
        if (!aborted) res.cork(() => res.writeStatus('500 Internal Server Error').end());
      });
  });
  app.get('/attachments/:sha/:name', (res, req) => {
    const file = attachments.locate(req.getParameter(0) ?? '');
    const name = decodeURIComponent(req.getParameter(1) ?? '');
    serveFile(res, file, contentTypeFor(name), !isInline(contentTypeFor(name)) ? name : null, 'public, max-age=31536000, immutable');
  });
  gateway.attach(app);
  attachOAuth2Page(app);
  const webRoot = config.webRoot ?? DEFAULT_WEB_ROOT;
  attachWebClient(app, webRoot, log);

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
    log,
    async close() {
      gateway.shutdown();
      uws.us_listen_socket_close(listenSocket);
      // Also end keep-alive HTTP connections: a request on one must not reach the closed database.
      // (App.close() exists in the native addon but is missing from its type declarations.)
      (app as TemplatedApp & { close?: () => void }).close?.();
      meta.close();
    },
  };
}

/** The web client talks only to this server; the page's meta CSP is looser because Electron reuses it from file://. */
const WEB_CLIENT_CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

function serveFile(res: HttpResponse, file: string | null, contentType: string, downloadName: string | null, cacheControl: string, csp: string | null = null): void {
  if (!file) {
    res.cork(() => res.writeStatus('404 Not Found').writeHeader('content-type', 'application/json').end('{"message":"404: Not Found","code":0}'));
    return;
  }
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  fs.promises
    .readFile(file)
    .then((data) => {
      if (aborted) return;
      res.cork(() => {
        res.writeHeader('content-type', contentType);
        res.writeHeader('x-content-type-options', 'nosniff');
        res.writeHeader('cache-control', cacheControl);
        if (csp) res.writeHeader('content-security-policy', csp);
        if (downloadName) res.writeHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}`);
        res.end(data);
      });
    })
    .catch(() => {
      if (!aborted) res.cork(() => res.writeStatus('404 Not Found').end());
    });
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
function attachWebClient(app: TemplatedApp, webRoot: string, log: Logger): void {
  const root = path.resolve(webRoot);
  app.get('/*', (res, req) => {
    const url = req.getUrl();
    let rel: string;
    try {
      rel = decodeURIComponent(url).replace(/^\/+/, '');
    } catch {
      rel = '';
    }
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
      res.cork(() =>
        res
          .writeStatus('503 Service Unavailable')
          .writeHeader('content-type', 'text/plain; charset=utf-8')
          .end('The web client is not built. Run `npm run build:web` (npm start does this for you).'),
      );
      log.debug({ webRoot }, 'web client requested but not built');
      return;
    }
    const ext = path.extname(file).slice(1);
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    serveFile(res, file, WEB_TYPES[ext] ?? 'application/octet-stream', null, immutable ? 'public, max-age=31536000, immutable' : 'no-cache', ext === 'html' ? WEB_CLIENT_CSP : null);
  });
}
