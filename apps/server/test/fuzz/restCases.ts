// One REST fuzz case from a route: its path with real or malformed ids, a method, headers
// (valid user, valid bot, garbage and huge Authorization; JSON, multipart, broken multipart and
// odd Content-Types) and a body from the route's schema, mutated or broken at the byte level.
import type { Fixtures } from './fixtures.ts';
import type { RouteInfo } from './FuzzTarget.ts';
import { Rng, alnum, bodyFor, concat, nastyString, serializeJson, valueFor, type IdPool, type Json } from './generate.ts';
import { ROUTE_SCHEMAS } from './routeSchemas.ts';

export interface RestCase {
  index: number;
  /** "METHOD /pattern" of the route it was built from (or a label for non-API targets). */
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Which credentials, for the report (tokens themselves are not printed). */
  authLabel: string;
  body: Uint8Array | null;
  keepAlive: boolean;
}

/** Path ids a client can send that are not snowflakes (raw: percent-escapes are sent as is). */
export const MALFORMED_IDS = [
  'abc',
  '-1',
  '1'.repeat(30),
  '%',
  '%ZZ',
  '%C0%80',
  '..',
  '.',
  '',
  '%E2%9C%93',
  '\u00ff', // sent as the byte 0xFF: invalid UTF-8 in the path
  '%00',
  '18446744073709551616',
  '0',
  '@me',
  '%2F',
  '%20',
  '1e3',
  '0x10',
  '%D9%A1%D9%A2%D9%A3', // Arabic-Indic digits
  '%F0%9F%98%80',
  '%ED%A0%80', // an encoded lone surrogate
  'x'.repeat(3000),
] as const;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FUZZ'];

function realParam(name: string, f: Fixtures, rng: Rng): string {
  switch (name) {
    case 'guild_id':
      return f.guildId;
    case 'channel_id':
      return rng.pick([f.channelId, f.channelId, f.otherChannelId, f.categoryId, f.dmChannelId]);
    case 'overwrite_id':
      return rng.pick([f.roleId, f.member.id, f.guildId]);
    case 'user_id':
      return rng.pick([f.member.id, f.owner.id, f.bot.id, '@me']);
    case 'message_id':
      return f.messageId;
    case 'role_id':
      return rng.pick([f.roleId, f.guildId]);
    case 'emoji':
      return rng.pick(['%F0%9F%91%8D', 'fuzz%3A123456789012345678', '%E2%9C%85']);
    case 'code':
      return f.inviteCode;
    case 'application_id':
      return f.bot.applicationId;
    case 'command_id':
      return f.bot.commandId;
    case 'webhook_id':
      return f.webhook.id;
    case 'webhook_token':
      return f.webhook.token;
    case 'rule_id':
      return f.ruleId;
    default:
      // interaction ids and tokens: there is no live interaction to point at.
      return rng.chance(0.5) ? String(rng.range(1, 2 ** 30)) + '000000000' : alnum(rng, 40);
  }
}

function fillPath(pattern: string, f: Fixtures, rng: Rng): string {
  return pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      return rng.chance(0.7) ? realParam(segment.slice(1), f, rng) : rng.pick(MALFORMED_IDS);
    })
    .join('/');
}

function authFor(rng: Rng, f: Fixtures): { label: string; value: string | null } {
  const roll = rng.next();
  if (roll < 0.45) return { label: 'owner', value: f.owner.token };
  if (roll < 0.58) return { label: 'member', value: f.member.token };
  if (roll < 0.72) return { label: 'bot', value: `Bot ${f.bot.token}` };
  if (roll < 0.8) return { label: 'none', value: null };
  if (roll < 0.95) {
    const garbage = rng.pick([
      'Bot ',
      'Bearer ',
      `Bot ${f.owner.token}`,
      `Bearer ${f.owner.token}`,
      f.owner.token + 'x',
      f.owner.token.slice(0, -1),
      `${f.owner.token}.${f.owner.token}`,
      '\u00ff\u00fe\u0080',
      '%ZZ',
      alnum(rng, 70),
      'Bot ' + '1'.repeat(30) + '.abc.def',
      ' ',
    ]);
    return { label: `garbage ${JSON.stringify(garbage.length > 40 ? garbage.slice(0, 40) + '...' : garbage)}`, value: garbage };
  }
  const size = rng.pick([5000, 20_000, 100_000]);
  return { label: `huge (${size} chars)`, value: 'A'.repeat(size) };
}

/** A query string for the route's query schema, or junk. */
function queryFor(route: RouteInfo, rng: Rng, pool: IdPool): string {
  const schema = ROUTE_SCHEMAS[`${route.method} ${route.path}`]?.query ?? null;
  if (rng.chance(0.15)) return '?' + rng.pick(['%', '%ZZ', 'limit=%ZZ', 'limit=1e400&limit=2', 'a[b]=1&a[]=2', '&&&=&', 'with_counts=true&with_counts=false', 'limit=-0', 'limit=0x10', 'after=abc', 'around=' + '9'.repeat(30), 'x=' + 'y'.repeat(5000)]);
  if (!schema || rng.chance(0.3)) return '';
  const value = valueFor(schema, rng, { pool, depth: 0 });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) params.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

const enc = new TextEncoder();

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on lone surrogates). */
function percentEncode(s: string): string {
  return [...enc.encode(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** A multipart body, well formed or broken in one of the ways clients break them. */
function multipart(json: Uint8Array, rng: Rng): { contentType: string; body: Uint8Array } {
  const boundary = rng.chance(0.9) ? `----fuzz${alnum(rng, 16)}` : 'x'.repeat(rng.pick([1, 70, 200]));
  const filename = rng.pick(['a.png', '../../etc/passwd', 'é"\\\r\n.txt', '', 'x'.repeat(300), '\u00ff.bin', 'a%00b.txt']);
  const fileData = rng.bytes(rng.range(0, 64));
  const parts = [
    enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n`),
    json,
    enc.encode(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="${rng.pick(['files[0]', 'file', 'files[99999999999]', 'files[-1]', 'files[a]'])}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`),
    fileData,
    enc.encode(`\r\n--${boundary}--\r\n`),
  ];
  const whole = concat(parts);
  switch (rng.int(8)) {
    case 0: // no boundary parameter
      return { contentType: 'multipart/form-data', body: whole };
    case 1: // a boundary that is not the one used
      return { contentType: `multipart/form-data; boundary=other${alnum(rng, 4)}`, body: whole };
    case 2: // truncated before the closing boundary
      return { contentType: `multipart/form-data; boundary=${boundary}`, body: whole.subarray(0, rng.int(whole.byteLength)) };
    case 3: // quoted, empty, or garbage parameters
      return { contentType: rng.pick([`multipart/form-data; boundary="${boundary}"`, 'multipart/form-data; boundary=', 'multipart/form-data; boundary=;;;', 'multipart/form-data;boundary']), body: whole };
    case 4: // random bytes as the body
      return { contentType: `multipart/form-data; boundary=${boundary}`, body: rng.bytes(rng.range(0, 200)) };
    default:
      return { contentType: `multipart/form-data; boundary=${boundary}`, body: whole };
  }
}

export function restCase(index: number, route: RouteInfo, rng: Rng, f: Fixtures, apiVersion: string): RestCase {
  const key = `${route.method} ${route.path}`;
  const schemas = ROUTE_SCHEMAS[key];
  const pool: IdPool = { ids: [f.guildId, f.channelId, f.otherChannelId, f.categoryId, f.roleId, f.member.id, f.owner.id, f.bot.id, f.messageId, f.dmChannelId] };
  const method = rng.chance(0.85) ? route.method : rng.pick(METHODS);
  const path = `/api${apiVersion}${fillPath(route.path, f, rng)}${queryFor(route, rng, pool)}`;
  const auth = authFor(rng, f);
  const headers: Record<string, string> = {};
  if (auth.value !== null) headers['authorization'] = auth.value;
  if (rng.chance(0.05)) headers['x-audit-log-reason'] = rng.pick(['%', '%ZZ', '%C0%80', 'ok%20reason', 'x'.repeat(3000)]);
  let body: Uint8Array | null = null;
  const wantsBody = schemas?.body !== undefined || method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (wantsBody && rng.chance(0.9)) {
    const value: Json = bodyFor(schemas?.body ?? null, rng, pool);
    const json = serializeJson(value, rng);
    const roll = rng.next();
    if (roll < 0.75) {
      headers['content-type'] = 'application/json';
      body = json;
    } else if (roll < 0.87) {
      const m = multipart(json, rng);
      headers['content-type'] = m.contentType;
      body = m.body;
    } else {
      const odd = rng.pick(['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', '', 'multipart/mixed', '\u00ff', 'application/json'.repeat(100)]);
      if (odd) headers['content-type'] = odd;
      body = odd === 'application/x-www-form-urlencoded' ? enc.encode(`content=${percentEncode(nastyString(rng))}&%=%ZZ`) : json;
    }
  } else if (rng.chance(0.05)) {
    headers['content-type'] = 'application/json';
    body = rng.chance(0.5) ? enc.encode('{') : rng.bytes(8);
  }
  return { index, route: key, method, path, headers, authLabel: auth.label, body, keepAlive: rng.chance(0.7) };
}

/** Targets outside the API router: attachments, static files, health, metrics, the OAuth2 page. */
export function extraCase(index: number, rng: Rng, f: Fixtures): RestCase {
  const [, , sha = '', name = ''] = f.attachmentPath.split('/');
  const paths = [
    f.attachmentPath,
    `/attachments/${sha}/${rng.pick(MALFORMED_IDS)}`,
    `/attachments/${rng.pick(MALFORMED_IDS)}/${name}`,
    `/attachments/${rng.pick(MALFORMED_IDS)}/${rng.pick(MALFORMED_IDS)}`,
    `/attachments/..%2F..%2Fdata/${name}`,
    `/${rng.pick(MALFORMED_IDS)}`,
    `/assets/${rng.pick(MALFORMED_IDS)}`,
    `/invite/assets/app.js`,
    `/..%2F..%2F..%2Fetc%2Fpasswd`,
    `/%2e%2e/%2e%2e/etc/passwd`,
    '/healthz',
    '/metrics',
    `/oauth2/authorize?client_id=${rng.pick(MALFORMED_IDS)}&scope=%ZZ`,
    `/api/v${rng.pick(['8', '11', '99999999999999999999', 'x', '%', '-1', ''])}/users/@me`,
    `/api`,
    `/api/v9/${rng.pick(MALFORMED_IDS)}`,
    `/api/v9/${alnum(rng, 8)}/${rng.pick(MALFORMED_IDS)}`,
  ];
  const auth = authFor(rng, f);
  const headers: Record<string, string> = {};
  if (auth.value !== null) headers['authorization'] = auth.value;
  const method = rng.chance(0.8) ? 'GET' : rng.pick(METHODS);
  return { index, route: 'non-API', method, path: rng.pick(paths), headers, authLabel: auth.label, body: null, keepAlive: rng.chance(0.7) };
}
