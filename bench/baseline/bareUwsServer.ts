// The "bare uWS limit" of TARGETS.md: an in-memory uWebSockets.js server that speaks just enough of
// the API for the benches (register, one guild, invites, send, HELLO/IDENTIFY/READY/heartbeat) and
// does nothing else: no storage, no permissions, no presence, one encoded frame per message handed
// to uWS `publish`. Running the same load generator against it in the same run gives the ratio
// "Concord / practical limit of this machine and harness". Not a product: never used outside bench/.
import { SnowflakeGenerator, codecFor, jsonCodec, type GatewayCodec } from '@concord/protocol';
import crypto from 'node:crypto';
import uws, { type HttpResponse, type WebSocket } from 'uWebSockets.js';

const port = Number(process.env['PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';
const ids = new SnowflakeGenerator(1, 1);
const CODECS = [jsonCodec, codecFor('bin')!] as const;

interface User {
  id: string;
  username: string;
}
interface SocketData {
  codec: GatewayCodec;
  user: User | null;
}

const usersByToken = new Map<string, User>();
const channelGuild = new Map<string, string>();
const invites = new Map<string, string>(); // code -> guild id
const guildChannel = new Map<string, string>(); // guild id -> #general
const members = new Map<string, Set<string>>(); // guild id -> user ids
let seq = 0;

const userJson = (u: User) => ({ id: u.id, username: u.username, discriminator: '0', global_name: null, avatar: null, public_flags: 0 });

function reply(res: HttpResponse, status: string, body: unknown): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', 'application/json').end(JSON.stringify(body));
  });
}

function withBody(res: HttpResponse, handle: (body: Record<string, unknown>) => void): void {
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  const chunks: Buffer[] = [];
  res.onData((chunk, isLast) => {
    chunks.push(Buffer.from(new Uint8Array(chunk).slice()));
    if (!isLast || aborted) return;
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      reply(res, '400 Bad Request', { code: 50109, message: 'invalid JSON' });
      return;
    }
    handle(body);
  });
}

const app = uws.App();

app.get('/healthz', (res) => reply(res, '200 OK', { ok: true, bare: true }));

app.post('/api/v9/auth/register', (res) => {
  withBody(res, (body) => {
    const user: User = { id: ids.next(), username: String(body['username'] ?? 'user') };
    const token = `${Buffer.from(user.id).toString('base64url')}.${crypto.randomBytes(32).toString('base64url')}`;
    usersByToken.set(token, user);
    reply(res, '200 OK', { token, user_id: user.id });
  });
});

app.post('/api/v9/guilds', (res, req) => {
  const user = usersByToken.get(req.getHeader('authorization'));
  withBody(res, (body) => {
    if (!user) return reply(res, '401 Unauthorized', { code: 0, message: '401: Unauthorized' });
    const id = ids.next();
    const general = ids.next();
    guildChannel.set(id, general);
    channelGuild.set(general, id);
    members.set(id, new Set([user.id]));
    reply(res, '201 Created', { id, name: String(body['name'] ?? 'guild'), owner_id: user.id, system_channel_id: general, channels: [{ id: general, type: 0, name: 'general' }] });
  });
});

app.post('/api/v9/channels/:channel/invites', (res, req) => {
  const channelId = req.getParameter(0) ?? '';
  withBody(res, () => {
    const guildId = channelGuild.get(channelId);
    if (!guildId) return reply(res, '404 Not Found', { code: 10003, message: 'Unknown Channel' });
    const code = crypto.randomBytes(5).toString('base64url');
    invites.set(code, guildId);
    reply(res, '200 OK', { code, guild_id: guildId, channel: { id: channelId } });
  });
});

app.post('/api/v9/invites/:code', (res, req) => {
  const user = usersByToken.get(req.getHeader('authorization'));
  const code = req.getParameter(0) ?? '';
  withBody(res, () => {
    const guildId = invites.get(code);
    if (!user || !guildId) return reply(res, '404 Not Found', { code: 10006, message: 'Unknown Invite' });
    members.get(guildId)!.add(user.id);
    reply(res, '200 OK', { code, guild_id: guildId, new_member: true });
  });
});

app.post('/api/v9/channels/:channel/messages', (res, req) => {
  const user = usersByToken.get(req.getHeader('authorization'));
  const channelId = req.getParameter(0) ?? '';
  withBody(res, (body) => {
    const guildId = channelGuild.get(channelId);
    if (!user || !guildId) return reply(res, '404 Not Found', { code: 10003, message: 'Unknown Channel' });
    const id = ids.next();
    // The same fields, in the same order, as Concord's MESSAGE_CREATE, so frame sizes match.
    const message = {
      id,
      type: 0,
      channel_id: channelId,
      author: userJson(user),
      content: String(body['content'] ?? ''),
      timestamp: new Date().toISOString().replace('Z', '+00:00'),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      flags: 0,
      components: [],
      guild_id: guildId,
      ...(body['nonce'] !== undefined ? { nonce: String(body['nonce']) } : {}),
      member: { nick: null, avatar: null, roles: [], joined_at: new Date().toISOString(), premium_since: null, deaf: false, mute: false, flags: 0, pending: false, communication_disabled_until: null },
    };
    const s = ++seq;
    for (const codec of CODECS) {
      const topic = `${codec.encoding}:c:${channelId}`;
      if (app.numSubscribers(topic) > 0) app.publish(topic, codec.encode({ op: 0, t: 'MESSAGE_CREATE', d: message, s }), codec.binaryFrames);
    }
    reply(res, '200 OK', message);
  });
});

app.any('/*', (res) => reply(res, '404 Not Found', { code: 0, message: '404: Not Found' }));

app.ws<SocketData>('/*', {
  maxPayloadLength: 64 * 1024,
  idleTimeout: 0,
  maxBackpressure: 8 * 1024 * 1024,
  closeOnBackpressureLimit: 1,
  sendPingsAutomatically: false,
  upgrade: (res, req, context) => {
    const query = new URLSearchParams(req.getQuery() ?? '');
    const codec = codecFor(query.get('encoding') ?? 'json') ?? jsonCodec;
    res.upgrade<SocketData>({ codec, user: null }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
  },
  open: (ws: WebSocket<SocketData>) => {
    const { codec } = ws.getUserData();
    ws.send(codec.encode({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }), codec.binaryFrames);
  },
  message: (ws: WebSocket<SocketData>, message, isBinary) => {
    const ud = ws.getUserData();
    const decoded = ud.codec.decode(ud.codec.binaryFrames || isBinary ? new Uint8Array(message) : Buffer.from(message).toString('utf8'));
    if (!decoded.ok) return void ws.end(4002, 'decode error');
    const p = decoded.payload;
    if (p.op === 1) return void ws.send(ud.codec.encode({ op: 11, d: null, s: null, t: null }), ud.codec.binaryFrames);
    if (p.op !== 2) return;
    const token = (p.d as { token?: unknown } | null)?.token;
    const user = typeof token === 'string' ? usersByToken.get(token) : undefined;
    if (!user) return void ws.end(4004, 'Authentication failed.');
    ud.user = user;
    const guilds: { id: string; unavailable: boolean }[] = [];
    for (const [guildId, set] of members) {
      if (!set.has(user.id)) continue;
      guilds.push({ id: guildId, unavailable: false });
      ws.subscribe(`${ud.codec.encoding}:c:${guildChannel.get(guildId)}`);
    }
    const ready = {
      v: 9,
      user: { ...userJson(user), email: null, verified: true, mfa_enabled: false, locale: 'en-US', premium_type: 0, flags: 0 },
      guilds,
      private_channels: [],
      session_id: crypto.randomBytes(16).toString('hex'),
      session_type: 'normal',
      resume_gateway_url: `ws://${host}:${port}`,
      _trace: ['bare-uws'],
    };
    ws.send(ud.codec.encode({ op: 0, t: 'READY', d: ready, s: ++seq }), ud.codec.binaryFrames);
  },
});

app.listen(host, port, (socket) => {
  if (!socket) {
    console.error(`bare uWS server: cannot listen on ${host}:${port}`);
    process.exit(1);
  }
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
