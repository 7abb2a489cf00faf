// One gateway fuzz case: a connection query (valid or not), whether and as whom to IDENTIFY first,
// then frames in the connection's encoding or deliberately not: random bytes, truncated valid
// frames, unknown opcodes, huge numbers, deep nesting, invalid UTF-8, oversized frames, floods,
// and valid opcodes whose `d` comes from the gateway schemas (mutated).
import {
  GATEWAY_MAX_INBOUND_BYTES,
  GatewayOpcode,
  IdentifyData,
  PresenceUpdateData,
  RequestGuildMembersData,
  ResumeData,
  VoiceStateUpdateData,
  binaryCodec,
  jsonCodec,
  type GatewayEncoding,
  type z,
} from '@concord/protocol';
import type { Fixtures } from './fixtures.ts';
import { Rng, alnum, anyJson, bodyFor, concat, type IdPool, type Json } from './generate.ts';

export interface Frame {
  /** What the frame is, for the report. */
  label: string;
  data: Uint8Array | string;
  /** Sent as a binary WebSocket message (else text; a Uint8Array as text keeps its raw bytes). */
  binary: boolean;
}

export interface GatewayCase {
  index: number;
  /**
   * Whether a frame is invalid at the WebSocket layer (a text frame that is not UTF-8, RFC 6455
   * 8.1; or one over uWS's maxPayloadLength): uWS drops such a connection itself, without a close
   * frame (1006), before any Concord code sees the frame.
   */
  websocketInvalid: boolean;
  query: string;
  encoding: GatewayEncoding;
  /** The user to IDENTIFY as before the frames (a label and the IDENTIFY frame), or null. */
  identify: { as: string; frame: Frame } | null;
  frames: Frame[];
}

const enc = new TextEncoder();

function encodeFrame(encoding: GatewayEncoding, op: number, d: Json, label: string): Frame {
  const payload = { op, d, s: null, t: null };
  if (encoding === 'json') return { label, data: jsonCodec.encode(payload), binary: false };
  try {
    return { label, data: binaryCodec.encode(payload), binary: true };
  } catch {
    // Deeper than the binary encoding nests: send the JSON bytes as a binary frame instead.
    return { label: `${label} (not encodable in bin: JSON bytes)`, data: enc.encode(jsonCodec.encode(payload)), binary: true };
  }
}

function bytesOf(f: Frame): Uint8Array {
  return typeof f.data === 'string' ? enc.encode(f.data) : f.data;
}

const OP_SCHEMAS: readonly [number, z.ZodTypeAny | null][] = [
  [GatewayOpcode.Heartbeat, null],
  [GatewayOpcode.Identify, IdentifyData],
  [GatewayOpcode.PresenceUpdate, PresenceUpdateData],
  [GatewayOpcode.VoiceStateUpdate, VoiceStateUpdateData],
  [GatewayOpcode.Resume, ResumeData],
  [GatewayOpcode.RequestGuildMembers, RequestGuildMembersData],
];

/** A valid-opcode frame whose `d` is generated from that opcode's schema, mutated some of the time. */
function schemaFrame(encoding: GatewayEncoding, rng: Rng, pool: IdPool): Frame {
  const [op, schema] = rng.pick(OP_SCHEMAS);
  const d: Json = schema ? bodyFor(schema, rng, pool) : rng.pick<Json>([null, 0, rng.range(0, 2 ** 31), -1, 'x', 2 ** 60, {}]);
  return encodeFrame(encoding, op, d, `op ${op} with generated d`);
}

const WEIRD_OPS: readonly Json[] = [-1, 0, 5, 7, 9, 10, 11, 12, 255, 256, 1.5, '2', null, 2 ** 53, 1e308, true, [], {}];

function fuzzFrame(encoding: GatewayEncoding, rng: Rng, pool: IdPool): Frame {
  switch (rng.int(12)) {
    case 0: {
      const n = rng.range(0, 300);
      return { label: `${n} random bytes`, data: rng.bytes(n), binary: rng.chance(0.5) };
    }
    case 1: {
      const whole = bytesOf(schemaFrame(encoding, rng, pool));
      const cut = rng.int(Math.max(whole.byteLength, 1));
      return { label: `valid frame truncated at ${cut}/${whole.byteLength}`, data: whole.subarray(0, cut), binary: encoding === 'bin' };
    }
    case 2: {
      // Unknown and out-of-range opcodes; the binary encoding can only carry a byte.
      if (encoding === 'bin') {
        const op = rng.pick([0, 5, 7, 9, 10, 11, 12, 200, 255]);
        return encodeFrame('bin', op, anyJson(rng), `op ${op}`);
      }
      const op = rng.pick(WEIRD_OPS);
      return { label: `op ${JSON.stringify(op)}`, data: JSON.stringify({ op, d: anyJson(rng) }), binary: false };
    }
    case 3: {
      // Numbers JSON.stringify cannot write, and integers past 2^53 / 2^64.
      if (encoding === 'json') {
        const raw = rng.pick(['{"op":1e400,"d":null}', '{"op":1,"d":1e400}', '{"op":1,"d":-1e400,"s":1e400}', '{"op":1,"d":123456789012345678901234567890}', '{"op":8,"d":{"guild_id":1e400,"limit":-1e400}}', '{"op":3,"d":{"since":1e400,"status":"online","activities":[],"afk":false}}']);
        return { label: `huge number ${raw}`, data: raw, binary: false };
      }
      const d = rng.pick([Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 64, -(2 ** 63), 1e308]);
      return encodeFrame('bin', rng.pick([1, 3, 8]), d, `huge number ${d}`);
    }
    case 4: {
      const depth = rng.pick([65, 100, 1000, 5000]);
      if (encoding === 'json') return { label: `d nested ${depth} deep`, data: `{"op":${rng.pick([1, 3, 8, 2])},"d":${'['.repeat(depth)}${']'.repeat(depth)}}`, binary: false };
      // Hand-built: magic, op, flags 0, then `depth` one-element arrays around a null.
      const nested = new Uint8Array(depth * 2 + 1);
      for (let i = 0; i < depth; i++) nested.set([0x07, 0x01], i * 2);
      return { label: `d nested ${depth} deep`, data: concat([Uint8Array.from([0xc7, rng.pick([1, 3, 8]), 0x00]), nested]), binary: true };
    }
    case 5: {
      if (encoding === 'json') {
        const bad = rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]]);
        return { label: 'invalid UTF-8 in a text frame', data: concat([enc.encode('{"op":1,"d":"'), Uint8Array.from(bad), enc.encode('"}')]), binary: false };
      }
      // A short-string tag of 4 bytes that are not UTF-8, as d of a presence update.
      return { label: 'invalid UTF-8 in a binary string', data: Uint8Array.from([0xc7, 0x03, 0x00, 0x84, 0xff, 0xfe, 0xc0, 0x80]), binary: true };
    }
    case 6: {
      const size = rng.pick([GATEWAY_MAX_INBOUND_BYTES + 1, GATEWAY_MAX_INBOUND_BYTES * 3, 70 * 1024]);
      const frame = encodeFrame(encoding, GatewayOpcode.PresenceUpdate, { status: 'online', activities: [{ name: 'a'.repeat(size), type: 0 }], since: null, afk: false }, `${size}-byte presence update`);
      return frame;
    }
    case 7: {
      // The other encoding's frame type: a binary frame to a JSON session and text to a binary one.
      const other = encodeFrame(encoding === 'json' ? 'bin' : 'json', GatewayOpcode.Heartbeat, null, '');
      return { label: `a ${encoding === 'json' ? 'binary' : 'JSON'} heartbeat on a ${encoding} connection`, data: other.data, binary: encoding === 'json' };
    }
    case 8:
      return { label: 'empty frame', data: new Uint8Array(0), binary: rng.chance(0.5) };
    case 9:
      if (encoding === 'json') return { label: 'JSON that is not an object', data: rng.pick(['null', '[]', '"op"', '1', 'true', '{"op":', '{}', '{"d":1}', `{"op":1,"__proto__":{"op":2}}`]), binary: false };
      return { label: 'binary frame with a bad magic or flags', data: Uint8Array.from([rng.pick([0x00, 0xc6, 0xff]), 0x01, rng.int(256), 0x00]), binary: true };
    default:
      return schemaFrame(encoding, rng, pool);
  }
}

const ODD_QUERIES = ['?v=abc', '?v=8', '?v=99999999999999999999', '?encoding=etf', '?encoding=%ZZ', '?compress=gzip', '?v=9&v=10&encoding=json&encoding=bin', '', '?%', '?encoding=json&compress=zlib-stream', '?encoding=bin&compress=zlib-stream'];

export interface IdentityChoice {
  label: string;
  token: string;
  bot: boolean;
}

/** The users a case may IDENTIFY as, in rotation (IDENTIFY is limited per user and minute). */
export function identities(f: Fixtures): IdentityChoice[] {
  return [
    { label: 'owner', token: f.owner.token, bot: false },
    { label: 'member', token: f.member.token, bot: false },
    { label: 'bot', token: f.bot.token, bot: true },
    ...f.extra.map((u, i) => ({ label: `user${i}`, token: u.token, bot: false })),
  ];
}

export function gatewayCase(index: number, rng: Rng, f: Fixtures, who: IdentityChoice): GatewayCase {
  const pool: IdPool = { ids: [f.guildId, f.channelId, f.otherChannelId, f.member.id, f.owner.id, f.bot.id, f.roleId] };
  const drawn: GatewayEncoding = rng.chance(0.5) ? 'json' : 'bin';
  const odd = rng.chance(0.1);
  const query = odd ? rng.pick(ODD_QUERIES) : `?v=${rng.pick([9, 10])}&encoding=${drawn}`;
  // The frames follow the encoding the query asks for (the server's default is json).
  const encoding: GatewayEncoding = odd ? (query.includes('encoding=bin') && !query.includes('encoding=json') ? 'bin' : 'json') : drawn;
  let identify: GatewayCase['identify'] = null;
  if (!odd && rng.chance(0.6)) {
    const roll = rng.next();
    const token = roll < 0.85 ? who.token : roll < 0.95 ? alnum(rng, 40) : 'x'.repeat(512);
    const d: Json = {
      token,
      properties: { os: 'linux', browser: 'fuzz', device: 'fuzz' },
      ...(who.bot || rng.chance(0.3) ? { intents: rng.pick([513, 32767, 3276799, 1 << 25]) } : {}),
      ...(rng.chance(0.2) ? { shard: rng.pick<Json>([[0, 1], [1, 2], [2, 1], [0, 0], [-1, 1]]) } : {}),
    };
    identify = { as: roll < 0.85 ? who.label : 'a wrong token', frame: encodeFrame(encoding, GatewayOpcode.Identify, d, 'IDENTIFY') };
  }
  const frames: Frame[] = [];
  if (rng.chance(0.04)) {
    const heartbeat = encodeFrame(encoding, GatewayOpcode.Heartbeat, null, '');
    for (let i = 0; i < 130; i++) frames.push({ ...heartbeat, label: '130 heartbeats (over the frame rate limit)' });
  } else {
    for (let n = rng.range(1, 4); n > 0; n--) frames.push(fuzzFrame(encoding, rng, pool));
  }
  return { index, query, encoding, identify, frames, websocketInvalid: frames.some(isWebSocketInvalid) };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** uWS's maxPayloadLength for the gateway (SocketLifecycle.behavior()). */
export const UWS_MAX_PAYLOAD_BYTES = 64 * 1024;

function isWebSocketInvalid(f: Frame): boolean {
  const bytes = bytesOf(f);
  if (bytes.byteLength > UWS_MAX_PAYLOAD_BYTES) return true;
  if (f.binary || typeof f.data === 'string') return false;
  try {
    strictUtf8.decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/** A printable description of the frames of a case: labels and the first bytes of each. */
export function describeFrames(frames: readonly Frame[]): string {
  const distinct = frames.filter((f, i) => i === 0 || f.label !== frames[i - 1]!.label);
  return distinct
    .map((f) => {
      const bytes = bytesOf(f);
      const head = typeof f.data === 'string' ? JSON.stringify(f.data.slice(0, 80)) : `hex:${Buffer.from(bytes.subarray(0, 48)).toString('hex')}`;
      return `${f.label} [${f.binary ? 'binary' : 'text'} ${bytes.byteLength} B ${head}${bytes.byteLength > 80 ? '...' : ''}]`;
    })
    .join('; ');
}
