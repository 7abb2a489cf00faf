// Both gateway encodings must carry exactly what JSON carries (the binary one is only a smaller
// spelling of it), and both decoders face hostile bytes: they must answer {ok:false} and never throw.
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISPATCH_EVENTS, GatewayOpcode, type GatewayPayload } from '../gateway.ts';
import { BINARY_MAGIC, BinaryCodec, KEY_DICTIONARY, binaryCodec, codecFor } from './BinaryCodec.ts';
import type { DecodeResult } from './GatewayCodec.ts';
import { JsonCodec, jsonCodec } from './JsonCodec.ts';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { EVENT_SHAPES, type ObjectShape } from './dispatchShapes.ts';
import { GENERATED_FILE, generateShapeCodecsSource } from './generateShapeCodecs.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures: shaped field for field like Discord's gateway payloads.

const GUILD_ID = '1089301939273519184';
const CHANNEL_ID = '1089301940292743250';
const AUTHOR = {
  id: '80351110224678912',
  username: 'nelly',
  discriminator: '0',
  global_name: 'Nelly',
  avatar: '8342729096ea3675442027381ff50dfe',
  public_flags: 64,
};
const MENTIONED = {
  id: '53908232506183680',
  username: 'mason',
  discriminator: '0',
  global_name: 'Mason 🛡️',
  avatar: 'a_d5efa99b3eeaa7dd43acca82f5692432',
  public_flags: 131_072,
};

const MESSAGE_CREATE: GatewayPayload = {
  op: GatewayOpcode.Dispatch,
  s: 42,
  t: 'MESSAGE_CREATE',
  d: {
    type: 0,
    tts: false,
    timestamp: '2024-05-14T18:32:11.401000+00:00',
    referenced_message: null,
    pinned: false,
    nonce: '1240031234567890432',
    mentions: [
      {
        ...MENTIONED,
        member: {
          roles: ['1089302113265831987'],
          premium_since: null,
          pending: false,
          nick: null,
          mute: false,
          joined_at: '2023-03-26T12:01:44.123000+00:00',
          flags: 0,
          deaf: false,
          communication_disabled_until: null,
          avatar: null,
        },
      },
    ],
    mention_roles: ['1089302113265831987'],
    mention_everyone: false,
    member: {
      roles: ['1089302113265831987', '1089302198112411688'],
      premium_since: '2023-07-02T09:15:00.000000+00:00',
      pending: false,
      nick: 'Nel',
      mute: false,
      joined_at: '2023-03-26T11:59:02.876000+00:00',
      flags: 0,
      deaf: false,
      communication_disabled_until: null,
      avatar: null,
    },
    id: '1240031234567890123',
    flags: 0,
    embeds: [
      {
        type: 'rich',
        title: 'Patch 1.4.2 is live',
        description: 'Ranked queue fixes, new map rotation and a smaller download.',
        url: 'https://example.com/patch-notes/1-4-2',
        color: 5_814_783,
        timestamp: '2024-05-14T18:00:00.000000+00:00',
        fields: [
          { name: 'Fixes', value: 'Desync after reconnect; voice ducking on alt-tab', inline: false },
          { name: 'Size', value: '312 MB', inline: true },
        ],
        footer: { text: 'Release bot' },
        thumbnail: { url: 'https://cdn.example.com/thumbs/142.png', proxy_url: 'https://media.example.net/external/abc/142.png', width: 128, height: 128 },
      },
    ],
    edited_timestamp: null,
    content: '<@53908232506183680> patch is out, queue up? 🎮',
    components: [],
    channel_id: CHANNEL_ID,
    author: AUTHOR,
    attachments: [
      {
        id: '1240031234001234567',
        filename: 'clip.mp4',
        size: 4_194_304,
        url: 'https://cdn.example.com/attachments/1089301940292743250/1240031234001234567/clip.mp4',
        proxy_url: 'https://media.example.net/attachments/1089301940292743250/1240031234001234567/clip.mp4',
        width: 1920,
        height: 1080,
        content_type: 'video/mp4',
      },
    ],
    guild_id: GUILD_ID,
    reactions: [
      { emoji: { id: null, name: '👍' }, count: 3, count_details: { burst: 0, normal: 3 }, burst_colors: [], me_burst: false, burst_me: false, me: true },
      { emoji: { id: '41771983429993937', name: 'LUL', animated: false }, count: 1, count_details: { burst: 1, normal: 0 }, burst_colors: ['#ff0000'], me_burst: false, burst_me: false, me: false },
    ],
  },
};

const ROLE_COLORS = [0, 0x1abc9c, 0xe91e63, 0x3498db, 0xf1c40f];
const READY: GatewayPayload = {
  op: GatewayOpcode.Dispatch,
  s: 1,
  t: 'READY',
  d: {
    v: 10,
    user: { ...AUTHOR, verified: true, mfa_enabled: true, email: 'nelly@example.com', flags: 64, locale: 'en-GB', premium_type: 0, bot: false },
    user_settings: {},
    session_id: '90326bd25d71d39b9ef95b299e3872ff',
    session_type: 'normal',
    resume_gateway_url: 'wss://gateway.concord.example',
    private_channels: [{ id: '319674150115610528', type: 1, last_message_id: '1240011234567890000', flags: 0, recipients: [MENTIONED] }],
    guilds: [
      {
        id: GUILD_ID,
        name: 'Friday Night Raids',
        icon: '1f6d1c1f8b1c2a3b4c5d6e7f8a9b0c1d',
        description: null,
        owner_id: AUTHOR.id,
        afk_channel_id: null,
        system_channel_id: CHANNEL_ID,
        verification_level: 1,
        default_message_notifications: 1,
        explicit_content_filter: 2,
        mfa_level: 0,
        premium_tier: 1,
        large: false,
        unavailable: false,
        member_count: 12,
        features: ['COMMUNITY', 'NEWS'],
        joined_at: '2023-03-26T11:59:02.876000+00:00',
        roles: ROLE_COLORS.map((color, i) => ({
          id: i === 0 ? GUILD_ID : `108930211326583${1000 + i}`,
          name: i === 0 ? '@everyone' : ['Raid Lead', 'Officer', 'Member', 'Bots'][i - 1]!,
          color,
          hoist: i > 0,
          icon: null,
          unicode_emoji: null,
          position: i,
          permissions: i === 1 ? '1099511627775' : '2248473465835073',
          managed: i === 4,
          mentionable: i > 0,
          flags: 0,
        })),
        channels: Array.from({ length: 8 }, (_, i) => ({
          id: `10893019402927432${50 + i}`,
          type: i < 5 ? 0 : 2,
          name: ['general', 'raid-planning', 'clips', 'off-topic', 'announcements', 'Raid Voice', 'Lobby', 'AFK'][i]!,
          position: i,
          parent_id: null,
          topic: i < 5 ? 'Be nice. Raids Fridays 20:00 CET.' : null,
          nsfw: false,
          rate_limit_per_user: 0,
          last_message_id: i < 5 ? `12400312345678901${10 + i}` : null,
          permission_overwrites:
            i === 1
              ? [
                  { id: GUILD_ID, type: 0, allow: '0', deny: '1024' },
                  { id: '1089302113265831001', type: 0, allow: '1024', deny: '0' },
                ]
              : [],
          ...(i >= 5 ? { bitrate: 64_000, user_limit: 0, rtc_region: null } : {}),
        })),
        members: Array.from({ length: 10 }, (_, i) => ({
          user: { id: `8035111022467891${i}`, username: `raider_${i}`, discriminator: '0', global_name: i % 2 ? `Raider ${i}` : null, avatar: null, public_flags: 0 },
          roles: i < 3 ? ['1089302113265831001'] : ['1089302113265831003'],
          nick: null,
          avatar: null,
          joined_at: `2023-04-${String(10 + i).padStart(2, '0')}T20:00:00.000000+00:00`,
          premium_since: null,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
          communication_disabled_until: null,
        })),
        presences: [{ user: { id: '80351110224678910' }, status: 'online', activities: [{ name: 'Raid Simulator', type: 0, created_at: 1_715_711_531_401 }], client_status: { desktop: 'online' } }],
      },
    ],
    read_state: { entries: [], partial: false, version: 0 },
    shard: [0, 1],
  },
};

const HELLO: GatewayPayload = { op: GatewayOpcode.Hello, d: { heartbeat_interval: 41_250 }, s: null, t: null };
const HEARTBEAT: GatewayPayload = { op: GatewayOpcode.Heartbeat, d: null, s: null, t: null };

/** What a JSON client would see: the reference every binary round trip is compared with. */
function overJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function expectOk(result: DecodeResult): GatewayPayload {
  if (!result.ok) throw new Error(`decode failed: ${result.error}`);
  return result.payload;
}

function binaryRoundTrip(payload: GatewayPayload): GatewayPayload {
  return expectOk(binaryCodec.decode(binaryCodec.encode(payload)));
}

function dispatch(d: unknown, t = 'MESSAGE_UPDATE', s = 7): GatewayPayload {
  return { op: 0, d, s, t };
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** Builds `count` as a LEB128 varuint, the length/count encoding of the binary frames. */
function varuint(count: number): number[] {
  const out: number[] = [];
  let v = count;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A binary frame with op 0 and no s/t around the given value bytes. */
function frameWithValue(...valueBytes: number[]): Uint8Array {
  return Uint8Array.from([BINARY_MAGIC, 0, 0, ...valueBytes]);
}

function ascii(text: string): number[] {
  return Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
}

function expectRejected(result: DecodeResult): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(typeof result.error).toBe('string');
}

// ---------------------------------------------------------------------------------------------

const ROUND_TRIPS: [string, GatewayPayload][] = [
  ['MESSAGE_CREATE with author, member, mentions, embeds, attachments and reactions', MESSAGE_CREATE],
  ['READY with a guild, its channels, roles, members and presences', READY],
  ['HELLO', HELLO],
  ['HEARTBEAT with null d', HEARTBEAT],
  ['HEARTBEAT carrying the last sequence number', { op: GatewayOpcode.Heartbeat, d: 251, s: null, t: null }],
  ['HEARTBEAT_ACK', { op: GatewayOpcode.HeartbeatAck, d: null, s: null, t: null }],
  ['INVALID_SESSION with d false', { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null }],
  ['a dispatch with an event name the codec does not know', { op: 0, d: { id: '1240031234567890123' }, s: 9, t: 'SOME_FUTURE_EVENT' }],
  ['a dispatch with a 100-character unknown event name', { op: 0, d: {}, s: 10, t: 'X'.repeat(100) }],
  ['a dispatch with an empty event name', { op: 0, d: null, s: 0, t: '' }],
  ['a dispatch with a sequence number at 2^53-1', { op: 0, d: null, s: Number.MAX_SAFE_INTEGER, t: 'RESUMED' }],
  ['the last event of DISPATCH_EVENTS', { op: 0, d: null, s: 3, t: DISPATCH_EVENTS[DISPATCH_EVENTS.length - 1]! }],
  ['op 255', { op: 255, d: 'x', s: null, t: null }],
  [
    'unicode and emoji content',
    dispatch({
      content: 'héllo wörld — 日本語テキスト, Ελληνικά, العربية 👋🏽👨‍👩‍👧‍👦🏳️‍🌈 e\u0301 \u0000 \u2028 \uffff 𝄞',
      nick: '💀',
      'ключ 🔑': 'значение',
    }),
  ],
  ['strings at the 63/64-byte short-string boundary', dispatch(['a'.repeat(63), 'a'.repeat(64), '€'.repeat(21), '€'.repeat(22), 'é'.repeat(31), 'é'.repeat(32), '😀'.repeat(15), '😀'.repeat(16)])],
  ['short strings whose worst-case size is long (header shrinks after encoding)', dispatch(['a'.repeat(22), 'a'.repeat(42), 'a'.repeat(43), 'a'.repeat(100), 'a'.repeat(127), 'a'.repeat(128), 'a'.repeat(5462), 'a'.repeat(5500)])],
  ['long strings over 64 bytes and over 16 KiB', dispatch({ content: 'lorem ipsum '.repeat(10), topic: 'x'.repeat(20_000), description: '🎮'.repeat(5_000) })],
  ['negative integers', dispatch([-1, -2, -63, -64, -65, -127, -128, -129, -8192, -2_147_483_648, -(2 ** 52), -(2 ** 52) - 1, -Number.MAX_SAFE_INTEGER])],
  ['integers around every varuint size and the safe-integer limit', dispatch([0, 1, 63, 64, 127, 128, 8191, 8192, 16_383, 16_384, 2 ** 31, 2 ** 32, 2 ** 52 - 1, 2 ** 52, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER])],
  ['floats, including integer-valued ones beyond 2^53', dispatch([0.1, -1.5, 3.141592653589793, 1e-300, 5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 1e21, 2 ** 60, -(2 ** 70), 0.30000000000000004])],
  ['nested arrays and objects', dispatch([[], [[]], [[[1, [2, [3, [4]]]]]], [{}, { a: [{ b: [] }] }], [null, true, false, '', 0]])],
  [
    'snowflake-like strings that must stay exactly as sent',
    dispatch({
      id: '175928847299117063',
      ids: [
        '0175928847299117063',
        '00000000000000000',
        '000000000000000000001',
        '100000000000000',
        '99999999999999',
        '12345678901234',
        '18446744073709551615',
        '18446744073709551616',
        '99999999999999999999',
        '123456789012345678901',
        '-175928847299117063',
        '175928847299117063 ',
        '+175928847299117063',
        '1.75928847299117063',
        '１７５９２８８４７２９９１１７０６３',
      ],
    }),
  ],
  [
    'keys not in the dictionary',
    dispatch({
      burst_colors: ['#fff'],
      'x-custom-header': 1,
      ID: 'upper-case look-alike of id',
      '': 'empty key',
      '0': 'index-like key',
      '🔑': 'emoji key',
      ['k'.repeat(200)]: 'key over 127 bytes',
      constructor: 'not a prototype',
      toString: 'not a function',
      hasOwnProperty: 1,
    }),
  ],
  ['every dictionary key', dispatch(Object.fromEntries(KEY_DICTIONARY.map((key, i) => [key, i])))],
  ['a frame with every value tag', dispatch({ n: null, f: false, t: true, i: -1000, x: 0.5, s: 'a'.repeat(70), id: '175928847299117063', a: [1], o: { small: 5, short: 'hi' } })],
];

describe('codec round trips', () => {
  it.each(ROUND_TRIPS)('binary: %s decodes to what JSON would deliver', (_name, payload) => {
    expect(binaryRoundTrip(payload)).toEqual(overJson(payload));
  });

  it.each(ROUND_TRIPS)('json: %s decodes to what it was', (_name, payload) => {
    expect(expectOk(jsonCodec.decode(jsonCodec.encode(payload)))).toEqual(overJson(payload));
  });

  it('keeps snowflake-like strings as strings with the exact same characters', () => {
    const strings = ['0175928847299117063', '18446744073709551616', '18446744073709551615', '100000000000000', '99999999999999'];
    const decoded = binaryRoundTrip(dispatch(strings)).d as unknown[];
    expect(decoded).toStrictEqual(strings);
    for (const value of decoded) expect(typeof value).toBe('string');
  });

  it('drops undefined fields and turns undefined items, holes, NaN and Infinity into null, like JSON', () => {
    const payload = dispatch({ a: undefined, b: [undefined, Number.NaN, Number.POSITIVE_INFINITY, -Number.POSITIVE_INFINITY], c: new Array(2), fn: () => 1, z: -0 });
    const decoded = binaryRoundTrip(payload);
    expect(decoded).toEqual(overJson(payload));
    expect(decoded.d).toStrictEqual({ b: [null, null, null, null], c: [null, null], z: 0 });
  });

  it('decodes a frame handed over as an ArrayBuffer or as a view into a larger buffer', () => {
    const frame = binaryCodec.encode(MESSAGE_CREATE);
    expect(expectOk(binaryCodec.decode(frame.slice().buffer))).toEqual(overJson(MESSAGE_CREATE));
    const pool = new Uint8Array(frame.length + 64).fill(0xee);
    pool.set(frame, 31);
    expect(expectOk(binaryCodec.decode(pool.subarray(31, 31 + frame.length)))).toEqual(overJson(MESSAGE_CREATE));
  });

  it('decodes JSON handed over as a string, Uint8Array or ArrayBuffer', () => {
    const text = jsonCodec.encode(MESSAGE_CREATE);
    const bytes = new TextEncoder().encode(text);
    for (const input of [text, bytes, bytes.slice().buffer]) expect(expectOk(jsonCodec.decode(input))).toEqual(overJson(MESSAGE_CREATE));
  });

  it('returns a frame that a later encode does not overwrite', () => {
    const codec = new BinaryCodec();
    const first = codec.encode(MESSAGE_CREATE);
    const snapshot = first.slice();
    codec.encode(READY);
    codec.encode(dispatch('z'.repeat(10_000)));
    expect(first).toEqual(snapshot);
  });

  it('encodes correctly again after a frame over 1 MiB released the grown buffer', () => {
    const codec = new BinaryCodec();
    const huge = dispatch({ content: '𝄞'.repeat(300_000), members: Array.from({ length: 2_000 }, (_, i) => ({ id: `8035111022467${String(i).padStart(5, '0')}`, nick: `n${i}` })) });
    const hugeFrame = codec.encode(huge);
    expect(hugeFrame.length).toBeGreaterThan(1 << 20);
    expect(expectOk(codec.decode(hugeFrame))).toEqual(overJson(huge));
    for (const payload of [HELLO, MESSAGE_CREATE, HEARTBEAT]) expect(expectOk(codec.decode(codec.encode(payload)))).toEqual(overJson(payload));
  });

  it('round-trips every dispatch event name', () => {
    for (const t of DISPATCH_EVENTS) expect(binaryRoundTrip({ op: 0, d: null, s: 1, t }).t).toBe(t);
  });
});

describe('binary frame layout', () => {
  it('encodes HEARTBEAT with null d as the four documented bytes', () => {
    expect([...binaryCodec.encode(HEARTBEAT)]).toEqual([BINARY_MAGIC, 1, 0b000, 0x00]);
  });

  it('encodes HELLO as magic, op, flags, then a one-entry object with a dictionary key and a zigzag integer', () => {
    expect([...binaryCodec.encode(HELLO)]).toEqual([BINARY_MAGIC, 10, 0, 0x08, 1, KEY_DICTIONARY.indexOf('heartbeat_interval'), 0x03, ...varuint(41_250 * 2)]);
  });

  it('encodes a known event name as its one-byte index and the sequence number as a varuint', () => {
    const frame = binaryCodec.encode({ op: 0, d: true, s: 300, t: 'MESSAGE_CREATE' });
    expect([...frame]).toEqual([BINARY_MAGIC, 0, 0b011, ...varuint(300), DISPATCH_EVENTS.indexOf('MESSAGE_CREATE'), 0x02]);
  });

  it('encodes an unknown event name inline as a length-prefixed string', () => {
    const frame = binaryCodec.encode({ op: 0, d: null, s: null, t: 'NEW_EVENT' });
    expect([...frame]).toEqual([BINARY_MAGIC, 0, 0b110, 9, ...ascii('NEW_EVENT'), 0x00]);
  });

  it.each<[string, string, number]>([
    ['a 18-digit snowflake', '175928847299117063', 1 + 9],
    ['a 19-digit snowflake', '1574994256605478915', 1 + 10],
    ['the smallest 15-digit snowflake', '100000000000000', 1 + 8],
    ['the largest u64', '18446744073709551615', 1 + 10],
    // Text: a tag, its characters in the string section, and the section's one-byte length at the end.
    ['14 digits', '99999999999999', 1 + 14 + 1],
    ['a leading zero', '0175928847299117063', 1 + 19 + 1],
    ['2^64', '18446744073709551616', 1 + 20 + 1],
  ])('spends the documented bytes on %s (packed BCD for canonical snowflakes, else text)', (_name, text, valueBytes) => {
    const headerBytes = binaryCodec.encode(dispatch(null)).length - 1;
    expect(binaryCodec.encode(dispatch(text)).length - headerBytes).toBe(valueBytes);
  });

  const SIZE_FIXTURES: Record<string, GatewayPayload> = { MESSAGE_CREATE, READY };
  it.each(Object.keys(SIZE_FIXTURES))('makes the %s frame at least 30%% smaller than its JSON text', (name) => {
    const payload = SIZE_FIXTURES[name]!;
    const jsonBytes = utf8Length(jsonCodec.encode(payload));
    const binaryBytes = binaryCodec.encode(payload).length;
    const ratio = binaryBytes / jsonBytes;
    console.log(`${name}: binary ${binaryBytes} B / JSON ${jsonBytes} B = ${ratio.toFixed(3)} (${((1 - ratio) * 100).toFixed(1)}% smaller)`);
    expect(ratio).toBeLessThanOrEqual(0.7);
  });
});

describe('codecFor', () => {
  it('picks the codec by the encoding query parameter', () => {
    expect(codecFor('json')).toBeInstanceOf(JsonCodec);
    expect(codecFor('bin')).toBe(binaryCodec);
    expect(codecFor('etf')).toBeUndefined();
    expect(codecFor('')).toBeUndefined();
    expect(jsonCodec.binaryFrames).toBe(false);
    expect(binaryCodec.binaryFrames).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

/** fc.jsonValue may produce an own "__proto__" key, which the binary decoder rejects by design. */
function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (typeof value === 'object' && value !== null) return Object.keys(value).some((k) => k === '__proto__' || hasProtoKey((value as Record<string, unknown>)[k]));
  return false;
}

const anyEventName = fc.option(fc.oneof(fc.constantFrom(...DISPATCH_EVENTS), fc.string({ unit: 'binary', maxLength: 80 })), { nil: null });
const anyJson = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary' }));
const anyPayload = fc.record({
  op: fc.integer({ min: 0, max: 255 }),
  d: anyJson,
  s: fc.option(fc.maxSafeNat(), { nil: null }),
  t: anyEventName,
});

describe('codec properties', () => {
  it('binary round-trips any JSON value wrapped in a payload', () => {
    fc.assert(
      fc.property(anyPayload, (payload) => {
        fc.pre(!hasProtoKey(payload.d));
        expect(binaryRoundTrip(payload)).toEqual(overJson(payload));
      }),
      { numRuns: 600 },
    );
  });

  it('binary round-trips any safe integer and any finite double', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => {
        expect(binaryRoundTrip(dispatch(n)).d).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 1000 },
    );
  });

  it('binary keeps any digit string, canonical snowflake or not, as the same string', () => {
    const digits = fc.oneof(fc.stringMatching(/^\d{1,22}$/), fc.bigInt({ min: 10n ** 14n, max: 2n ** 64n + 10_000n }).map(String));
    fc.assert(
      fc.property(fc.array(digits, { maxLength: 8 }), (strings) => {
        expect(binaryRoundTrip(dispatch(strings)).d).toStrictEqual(strings);
      }),
      { numRuns: 800 },
    );
  });

  it('json round-trips any JSON value wrapped in a payload', () => {
    fc.assert(
      fc.property(anyPayload, (payload) => {
        expect(expectOk(jsonCodec.decode(jsonCodec.encode(payload)))).toEqual(overJson(payload));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** Decodes without letting an exception escape unnoticed, and checks the result's shape. */
function decodeSafely(decode: () => DecodeResult): DecodeResult {
  let result: DecodeResult;
  try {
    result = decode();
  } catch (e) {
    throw new Error(`decoder threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  if (result.ok) {
    expect(Number.isInteger(result.payload.op) && result.payload.op >= 0 && result.payload.op <= 255).toBe(true);
    expect(result.payload.s === null || Number.isSafeInteger(result.payload.s)).toBe(true);
    expect(result.payload.t === null || typeof result.payload.t === 'string').toBe(true);
  } else {
    expect(typeof result.error).toBe('string');
  }
  return result;
}

const FIXTURE_FRAMES = [MESSAGE_CREATE, READY, HELLO, HEARTBEAT, ROUND_TRIPS[13]![1], ROUND_TRIPS[22]![1]].map((p) => binaryCodec.encode(p));

type Mutation = { kind: 'flip'; at: number; mask: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'delete'; at: number } | { kind: 'truncate'; at: number } | { kind: 'set'; at: number; byte: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x03, 0x05, 0x06, 0x07, 0x08, 0x7f, 0x80, 0xbf, 0xff) }),
);

function mutate(frame: Uint8Array, mutations: Mutation[]): Uint8Array {
  const bytes = [...frame];
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] = (bytes[at] ?? 0) ^ m.mask;
    else if (m.kind === 'set') bytes[at] = m.byte;
    else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
    else if (m.kind === 'delete') bytes.splice(at, 1);
    else bytes.length = at;
  }
  return Uint8Array.from(bytes);
}

describe('binary decoder on hostile bytes', () => {
  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        decodeSafely(() => binaryCodec.decode(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes behind a valid header, and what it accepts re-encodes to the same payload', () => {
    const header = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0x1f }));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 2048 }), ([op, flags], body) => {
        const result = decodeSafely(() => binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, op, flags, ...body])));
        if (result.ok) expect(binaryRoundTrip(result.payload)).toEqual(result.payload);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on mutated valid frames (flipped, set, inserted, deleted bytes, truncation)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURE_FRAMES), fc.array(mutation, { minLength: 1, maxLength: 4 }), (frame, mutations) => {
        const result = decodeSafely(() => binaryCodec.decode(mutate(frame, mutations)));
        if (result.ok) expect(binaryRoundTrip(result.payload)).toEqual(result.payload);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects every strict prefix of a valid frame', () => {
    const frame = binaryCodec.encode(MESSAGE_CREATE);
    for (let length = 0; length < frame.length; length++) expectRejected(binaryCodec.decode(frame.subarray(0, length)));
  });

  it('rejects nesting 1000 levels deep without overflowing the stack', () => {
    const arrays = frameWithValue(...Array<number[]>(1000).fill([0x07, 1]).flat(), 0x00);
    const objects = frameWithValue(...Array<number[]>(1000).fill([0x08, 1, KEY_DICTIONARY.indexOf('d')]).flat(), 0x00);
    for (const frame of [arrays, objects]) expectRejected(decodeSafely(() => binaryCodec.decode(frame)));
  });

  it('rejects an array that claims 2^40 elements quickly, without allocating them', () => {
    const started = performance.now();
    expectRejected(binaryCodec.decode(frameWithValue(0x07, ...varuint(2 ** 40), 0x00, 0x00)));
    expectRejected(binaryCodec.decode(frameWithValue(0x08, ...varuint(2 ** 40), 0x00, 0x00)));
    expectRejected(binaryCodec.decode(frameWithValue(0x05, ...varuint(2 ** 40), 0x61)));
    expectRejected(binaryCodec.decode(frameWithValue(0x07, ...varuint(2 ** 20 + 1), ...Array<number>(64).fill(0))));
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('rejects a collection count larger than the bytes left in the frame', () => {
    expectRejected(binaryCodec.decode(frameWithValue(0x07, ...varuint(1000), 0x00, 0x00, 0x00)));
    expectRejected(binaryCodec.decode(frameWithValue(0x08, 2, 0x00, 0x40)));
  });

  it('rejects a "__proto__" key and leaves Object.prototype alone', () => {
    const protoKey = [0xff, 9, ...ascii('__proto__')];
    const frames = [
      frameWithValue(0x08, 1, ...protoKey, 0x08, 1, 0xff, 8, ...ascii('polluted'), 0x02),
      frameWithValue(0x08, 2, KEY_DICTIONARY.indexOf('id'), 0x41, ...protoKey, 0x40),
      frameWithValue(0x07, 1, 0x08, 1, ...protoKey, 0x00),
    ];
    for (const frame of frames) expectRejected(binaryCodec.decode(frame));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts keys such as "constructor" as plain own properties', () => {
    const decoded = expectOk(binaryCodec.decode(frameWithValue(0x08, 1, 0xff, 11, ...ascii('constructor'), 0x41))).d;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded as object, 'constructor')).toBe(true);
  });

  it.each<[string, number[]]>([
    ['an invalid continuation byte', [0xc3, 0x28]],
    ['an overlong encoding of NUL', [0xc0, 0x80]],
    ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a stray 0xFF byte', [0x61, 0xff]],
  ])('rejects invalid UTF-8 (%s) in values, keys and event names', (_name, bad) => {
    expectRejected(binaryCodec.decode(frameWithValue(0x80 + bad.length, ...bad)));
    expectRejected(binaryCodec.decode(frameWithValue(0x05, bad.length, ...bad)));
    expectRejected(binaryCodec.decode(frameWithValue(0x08, 1, 0xff, bad.length, ...bad, 0x00)));
    expectRejected(binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 0b110, bad.length, ...bad, 0x00])));
  });

  it.each<[string, Uint8Array | string]>([
    ['an empty frame', new Uint8Array(0)],
    ['a JSON text frame', '{"op":1,"d":null}'],
    ['JSON bytes (wrong magic)', new TextEncoder().encode('{"op":1,"d":null}')],
    ['unknown flag bits', Uint8Array.from([BINARY_MAGIC, 1, 0b100000, 0x00])],
    ['the Latin-1 section flag without a section', Uint8Array.from([BINARY_MAGIC, 1, 0b10000, 0x00])],
    ['an unknown event index', Uint8Array.from([BINARY_MAGIC, 0, 0b010, 250, 0x00])],
    ['an event index just past DISPATCH_EVENTS', Uint8Array.from([BINARY_MAGIC, 0, 0b010, DISPATCH_EVENTS.length, 0x00])],
    ['a missing value', Uint8Array.from([BINARY_MAGIC, 1, 0])],
    ['trailing bytes', Uint8Array.from([BINARY_MAGIC, 1, 0, 0x00, 0x00])],
    ['an unknown value tag', frameWithValue(0x09)],
    ['a reserved value tag 0xC0', frameWithValue(0xc0)],
    ['a key index past the dictionary', frameWithValue(0x08, 1, KEY_DICTIONARY.length, 0x00)],
    ['a varuint longer than 8 bytes', frameWithValue(0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
    ['a varuint above 2^53', frameWithValue(0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
    ['a NaN float', frameWithValue(0x04, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f)],
    ['an infinite float', frameWithValue(0x04, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f)],
    ['a float cut short', frameWithValue(0x04, 0, 0, 0)],
    ['a snowflake cut short', frameWithValue(0x06, 1, 2, 3, 4)],
  ])('rejects %s', (_name, frame) => {
    expectRejected(decodeSafely(() => binaryCodec.decode(frame)));
  });
});

describe('json decoder on hostile input', () => {
  it('never throws on random strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        decodeSafely(() => jsonCodec.decode(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        decodeSafely(() => jsonCodec.decode(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects any JSON value that is not an object with an integer op 0-255', () => {
    const isValidFrame = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Number.isInteger((v as { op?: unknown }).op) && (v as { op: number }).op >= 0 && (v as { op: number }).op <= 255;
    fc.assert(
      fc.property(fc.jsonValue().filter((v) => !isValidFrame(v)), (value) => {
        expectRejected(jsonCodec.decode(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, string | Uint8Array]>([
    ['an empty frame', ''],
    ['truncated JSON', '{"op":1,"d":'],
    ['an array', '[{"op":1}]'],
    ['null', 'null'],
    ['a number', '1'],
    ['a string', '"op"'],
    ['an object without op', '{"d":null,"s":null,"t":null}'],
    ['a string op', '{"op":"1"}'],
    ['a fractional op', '{"op":1.5}'],
    ['a negative op', '{"op":-1}'],
    ['an op above 255', '{"op":256}'],
    ['a null op', '{"op":null}'],
    ['invalid UTF-8 bytes', Uint8Array.from([0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
    ['a binary frame', Uint8Array.from([BINARY_MAGIC, 1, 0, 0])],
  ])('rejects %s', (_name, input) => {
    expectRejected(decodeSafely(() => jsonCodec.decode(input)));
  });

  it('fills in null for missing d, s and t and ignores malformed s and t', () => {
    expect(expectOk(jsonCodec.decode('{"op":1}'))).toEqual({ op: 1, d: null, s: null, t: null });
    expect(expectOk(jsonCodec.decode('{"op":0,"d":{},"s":"5","t":7}'))).toEqual({ op: 0, d: {}, s: null, t: null });
    expect(expectOk(jsonCodec.decode('{"op":0,"d":{},"s":1.5,"t":null}')).s).toBeNull();
  });

  it('decodes JSON nested 1000 (and 100000) levels deep without throwing', () => {
    for (const depth of [1000, 100_000]) decodeSafely(() => jsonCodec.decode(`{"op":0,"d":${'['.repeat(depth)}${']'.repeat(depth)}}`));
  });

  it('keeps a "__proto__" key as a plain own property instead of changing the prototype', () => {
    const d = expectOk(jsonCodec.decode('{"op":0,"d":{"__proto__":{"polluted":true}}}')).d as object;
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('BCD snowflakes (tags 0xCF-0xD4)', () => {
  const bcdFrame = (id: string) => binaryCodec.encode({ op: 0, d: id, s: null, t: null });

  it.each(['100000000000000', '999999999999999', '1000000000000000', '80351110224678912', '175928847299117063', '1574994256605478915', '10000000000000000000', '18446744073709551615'])(
    'round-trips %s exactly as tag 0xC0 + its digit count and its packed digits',
    (id) => {
      const frame = bcdFrame(id);
      expect(frame[3]).toBe(0xc0 + id.length);
      expect(frame.length).toBe(4 + Math.ceil(id.length / 2));
      expect(expectOk(binaryCodec.decode(frame)).d).toBe(id);
      // In a shaped field too (readField's inline path).
      const shaped = binaryCodec.encode({ op: 0, d: { user: { id }, status: 'online' }, s: 1, t: 'PRESENCE_UPDATE' });
      expect(expectOk(binaryCodec.decode(shaped)).d).toEqual({ user: { id }, status: 'online' });
    },
  );

  it('still reads the old u64 snowflake tag 0x06', () => {
    const u64 = [...new Uint8Array(new BigUint64Array([18446744073709551615n]).buffer)];
    expect(expectOk(binaryCodec.decode(frameWithValue(0x06, ...u64))).d).toBe('18446744073709551615');
  });

  it.each<[string, number[]]>([
    ['a nibble above 9 (high)', [0xc0 + 15, 0xa0, 0, 0, 0, 0, 0, 0, 0]],
    ['a nibble above 9 (low)', [0xc0 + 15, 0x10, 0, 0, 0x0f, 0, 0, 0, 0]],
    ['a non-zero pad nibble', [0xc0 + 15, 0x10, 0, 0, 0, 0, 0, 0, 0x01]],
    ['a leading zero digit', [0xc0 + 16, 0x01, 0, 0, 0, 0, 0, 0, 0]],
    ['a 20-digit value cut short', [0xc0 + 20, 0x18, 0x44, 0x67, 0x44, 0x07, 0x37, 0x09, 0x55, 0x16]],
    ['a tag with no digits after it', [0xc0 + 19]],
    ['a digit count of 14 (tag 0xCE)', [0xce, 0x10, 0, 0, 0, 0, 0, 0]],
  ])('rejects %s with a decode error', (_name, value) => {
    expectRejected(decodeSafely(() => binaryCodec.decode(frameWithValue(...value))));
    // The same bytes as a shaped field's value.
    const user = [0x0a, 1, ...value];
    expectRejected(decodeSafely(() => binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 2, DISPATCH_EVENTS.indexOf('PRESENCE_UPDATE'), 0x0a, 1, ...user]))));
  });

  it('rejects every truncation of a BCD snowflake frame', () => {
    const frame = bcdFrame('18446744073709551615');
    for (let end = 3; end < frame.length; end++) expectRejected(decodeSafely(() => binaryCodec.decode(frame.subarray(0, end))));
  });

  it.each(['18446744073709551616', '99999999999999999999', '0100000000000000', '12345678901234a', '123456789012345678901'])('keeps %s as text, not BCD', (text) => {
    const frame = bcdFrame(text);
    expect(frame[3]).not.toBe(0xc0 + text.length);
    expect(expectOk(binaryCodec.decode(frame)).d).toBe(text);
  });
});

describe('snowflake limbs', () => {
  it.each(['18446744069414584320', '4294967296000000', '4294967295999999', '1574994256605478915', '100000000000000', '18446744073709551615'])(
    'round-trips %s exactly, twice (through the decode cache)',
    (id) => {
      const frame = binaryCodec.encode({ op: 0, d: { id }, s: null, t: null });
      for (let i = 0; i < 2; i++) {
        const r = binaryCodec.decode(frame);
        expect(r.ok && (r.payload.d as { id: string }).id).toBe(id);
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Shaped encoding: known keys by position, generated from dispatchShapes.ts.

const SHAPED_EVENTS = DISPATCH_EVENTS.filter((t) => EVENT_SHAPES[t] !== undefined);

/** An object in `shape` with a random subset of its fields (values: any JSON, null included) and random extra keys. */
function shapedValue(shape: ObjectShape, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  shape.keys.forEach((key, i) => {
    const sub = shape.nested[i];
    fields[key] = sub && depth < 3 ? fc.oneof(shapedValue(sub, depth + 1), fc.array(shapedValue(sub, depth + 1), { maxLength: 3 }), anyJson) : anyJson;
  });
  // No own "constructor" key here: toStrictEqual compares `constructor` properties by identity (other tests cover that key).
  const extraKey = fc.oneof(fc.constantFrom('extra', 'x-custom', ...KEY_DICTIONARY.slice(0, 20)), fc.string({ maxLength: 8 })).filter((k) => k !== 'constructor' && k !== '__proto__');
  const extras = fc.dictionary(extraKey, anyJson, { maxKeys: 3 });
  return fc.tuple(fc.record(fields, { requiredKeys: [] }), extras, fc.subarray([...shape.keys])).map(([known, extra, undefinedKeys]) => {
    const out: Record<string, unknown> = { ...extra, ...known };
    for (const key of undefinedKeys) if (!(key in known)) out[key] = undefined;
    return out;
  });
}

describe('shaped binary encoding', () => {
  it('has shapeCodecs.generated.ts up to date with dispatchShapes.ts (regenerate with generateShapeCodecs.ts)', () => {
    expect(fs.readFileSync(GENERATED_FILE, 'utf8')).toBe(generateShapeCodecsSource());
  });

  it.each(SHAPED_EVENTS)('round-trips %s exactly: present, null, missing, undefined and extra keys', (t) => {
    const shape = EVENT_SHAPES[t]!;
    fc.assert(
      fc.property(shapedValue(shape), (d) => {
        fc.pre(!hasProtoKey(d) && !JSON.stringify(d).includes('"constructor"'));
        const payload: GatewayPayload = { op: 0, d, s: 5, t };
        // toStrictEqual tells missing from undefined: undefined fields are dropped, as JSON drops them.
        expect(binaryRoundTrip(payload)).toStrictEqual(overJson(payload));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a string that starts with U+FEFF (a byte order mark) intact, in shaped and generic objects', () => {
    const payload: GatewayPayload = { op: 0, t: 'MESSAGE_CREATE', s: 1, d: { content: '\uFEFFhello', extra: { note: '\uFEFF🙂' } } };
    expect(binaryRoundTrip(payload)).toStrictEqual(payload);
  });

  it('keeps a genuine U+FFFD and long multi-byte strings exact, in values and keys, whatever their header length', () => {
    const long = 'é'.repeat(50); // 50 characters, 100 bytes: its header outgrows the one reserved for 50 ASCII bytes
    const longKey = '🙂'.repeat(40); // 160 bytes: a two-byte varuint length
    for (const text of ['\uFFFD', `a\uFFFDb${'x'.repeat(40)}`, long, `${'x'.repeat(127)}é`, 'a\uD800b']) {
      const payload: GatewayPayload = { op: 0, t: 'MESSAGE_CREATE', s: 1, d: { content: text, extra: { [longKey]: text } } };
      const expected = JSON.parse(JSON.stringify(payload)) as GatewayPayload; // a lone surrogate becomes U+FFFD, as in JSON over UTF-8
      expect(binaryRoundTrip(payload)).toStrictEqual(text === 'a\uD800b' ? { ...payload, d: { content: 'a\uFFFDb', extra: { [longKey]: 'a\uFFFDb' } } } : expected);
    }
  });

  it('rejects invalid UTF-8 inside a long string (the native decoder path), not only in short ones', () => {
    const bad = [...ascii('x'.repeat(40)), 0xc3, 0x28, ...ascii('y'.repeat(30))];
    expectRejected(binaryCodec.decode(frameWithValue(0x80 + bad.length - 10, ...bad.slice(10))));
    expectRejected(binaryCodec.decode(frameWithValue(0x05, bad.length, ...bad)));
    const valid = [...ascii('x'.repeat(40)), 0xef, 0xbf, 0xbd, ...ascii('y'.repeat(30))];
    expect(expectOk(binaryCodec.decode(frameWithValue(0x05, valid.length, ...valid))).d).toBe(`${'x'.repeat(40)}\uFFFD${'y'.repeat(30)}`);
  });

  it('reads a 0x10-0x3F string as Latin-1: any byte is a character, so there is nothing to reject', () => {
    const frame = Uint8Array.from([BINARY_MAGIC, 0, 0, 0x08, 1, KEY_DICTIONARY.indexOf('name'), 0x13, 0x41, 0xe9, 0x80]);
    expect(expectOk(binaryCodec.decode(frame)).d).toEqual({ name: 'A\u00e9\u0080' });
    expectRejected(binaryCodec.decode(frame.subarray(0, frame.length - 1)));
  });

  it('writes PRESENCE_UPDATE with its keys by position: no key bytes, absent tail fields left out', () => {
    const frame = binaryCodec.encode({ op: 0, t: 'PRESENCE_UPDATE', s: 3, d: { user: { id: '80351110224678912' }, status: 'online' } });
    const index = DISPATCH_EVENTS.indexOf('PRESENCE_UPDATE');
    // magic, op 0, flags (s, t), s = 3, event index, shaped (2 fields), user shaped (1 field), 17-digit BCD snowflake, 'online' (short ASCII)
    const snowflake = [0x80, 0x35, 0x11, 0x10, 0x22, 0x46, 0x78, 0x91, 0x20];
    expect([...frame]).toEqual([BINARY_MAGIC, 0, 3, 3, index, 0x0a, 2, 0x0a, 1, 0xc0 + 17, ...snowflake, 0x10 + 6, ...new TextEncoder().encode('online')]);
  });

  it('keeps the frames of the shaped events no larger than the dictionary encoding of the same value', () => {
    for (const payload of [MESSAGE_CREATE, READY]) {
      const shaped = binaryCodec.encode(payload);
      const generic = binaryCodec.encode({ ...payload, t: 'NOT_A_SHAPED_EVENT' });
      expect(shaped.length).toBeLessThan(generic.length - 'NOT_A_SHAPED_EVENT'.length);
    }
  });

  it('rejects a shaped object where no shape is expected, one with more fields than its shape, and an absent marker outside one', () => {
    expectRejected(binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 0, 0x0a, 0])));
    expectRejected(binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 2, DISPATCH_EVENTS.indexOf('RESUMED'), 0x0a, 0])));
    expectRejected(binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 2, DISPATCH_EVENTS.indexOf('PRESENCE_UPDATE'), 0x0a, 6, 0, 0, 0, 0, 0, 0])));
    expectRejected(binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 2, DISPATCH_EVENTS.indexOf('PRESENCE_UPDATE'), 0x08, 1, 0, 0x09])));
    expectRejected(binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, 0, 0, 0x09])));
  });

  it('never throws on random bytes after a shaped event header, and what it accepts re-encodes to the same payload', () => {
    fc.assert(
      // Flags: t only, t with a string section, t with a Latin-1 string section (its length is then the body's last bytes).
      fc.property(fc.constantFrom(...SHAPED_EVENTS), fc.constantFrom(0b00010, 0b01010, 0b11010), fc.integer({ min: 0, max: 40 }), fc.boolean(), fc.uint8Array({ maxLength: 512 }), (t, flags, count, extras, body) => {
        const frame = Uint8Array.from([BINARY_MAGIC, 0, flags, DISPATCH_EVENTS.indexOf(t), extras ? 0x0b : 0x0a, count, ...body]);
        const result = decodeSafely(() => binaryCodec.decode(frame));
        if (result.ok) expect(binaryRoundTrip(result.payload)).toEqual(result.payload);
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on mutated or truncated frames of every shaped event', () => {
    const frames = SHAPED_EVENTS.map((t) => binaryCodec.encode({ op: 0, t, s: 9, d: fc.sample(shapedValue(EVENT_SHAPES[t]!), { numRuns: 1, seed: 42 })[0] }));
    fc.assert(
      fc.property(fc.constantFrom(...frames), fc.array(mutation, { minLength: 1, maxLength: 4 }), (frame, mutations) => {
        const result = decodeSafely(() => binaryCodec.decode(mutate(frame, mutations)));
        if (result.ok) expect(binaryRoundTrip(result.payload)).toEqual(result.payload);
      }),
      { numRuns: 800 },
    );
    // Every prefix is rejected (sampled 500 per frame for large ones, to keep the suite fast).
    for (const frame of frames) {
      const step = Math.max(1, Math.floor(frame.length / 500));
      for (let length = 0; length < frame.length; length += step) expectRejected(binaryCodec.decode(frame.subarray(0, length)));
    }
  });
});

describe('string section', () => {
  const FLAGS_SECTION = 0b01000;
  const FLAGS_LATIN1 = 0b10000;
  const TIMESTAMP = '2026-11-25T04:40:01.667+00:00';

  it('writes string values over 12 characters after the structure, with the section length as the frame\'s last byte', () => {
    const frame = binaryCodec.encode({ op: 0, d: [TIMESTAMP, 'online', 'Codec Member 1'], s: null, t: null });
    expect([...frame]).toEqual([
      BINARY_MAGIC, 0, FLAGS_SECTION | FLAGS_LATIN1,
      0x07, 3, 0xd5 + TIMESTAMP.length, 0x10 + 6, ...ascii('online'), 0xd5 + 14,
      ...ascii(TIMESTAMP + 'Codec Member 1'), TIMESTAMP.length + 14,
    ]);
  });

  it('counts lengths in UTF-16 code units and writes a non-ASCII section as UTF-8 without the Latin-1 flag', () => {
    const strings = ['Mason 🛡️ and the raid', 'é', 'ok', '日本語テキスト'];
    const frame = binaryCodec.encode({ op: 0, d: strings, s: null, t: null });
    const section = new TextEncoder().encode(strings.filter((x) => x !== 'ok').join(''));
    expect([...frame]).toEqual([
      BINARY_MAGIC, 0, FLAGS_SECTION,
      0x07, 4, 0xd5 + strings[0]!.length, 0xd5 + 1, 0x10 + 2, ...ascii('ok'), 0xd5 + 7,
      ...section, section.length,
    ]);
    expect(expectOk(binaryCodec.decode(frame)).d).toEqual(strings);
  });

  it.each([
    ['a string of 42 characters (the last short tag)', 'x'.repeat(42), 1],
    ['a string of 43 characters (varuint length)', 'x'.repeat(43), 2],
    ['a 200-byte section (two-byte length)', 'y'.repeat(200), 2 + 2],
    ['a 20,000-byte section (three-byte length)', 'z'.repeat(20_000), 3 + 3],
    ['a 70,000-character non-ASCII section', '🎮'.repeat(35_000), 3 + 3],
  ])('round-trips %s', (_name, text, overhead) => {
    const frame = binaryCodec.encode({ op: 0, d: text, s: null, t: null });
    expect(frame.length).toBe(3 + 1 + utf8Length(text) + overhead);
    expect(expectOk(binaryCodec.decode(frame)).d).toBe(text);
  });

  it('keeps a surrogate pair split across two strings (the halves meet in the section); other lone surrogates become U+FFFD as before', () => {
    const strings = ['raid at nine \uD83D', '\uDE42 see you there', '\uDE42', 'tail \uD83D'];
    expect(binaryRoundTrip(dispatch(strings)).d).toEqual(['raid at nine \uD83D', '\uDE42 see you there', '\uFFFD', 'tail \uFFFD']);
  });

  it('decodes frames written by earlier encoders: strings inline, old tags 0x05, 0x06, 0x08, 0x10-0x3F and 0x80-0xBF', () => {
    const json = '{"op":0,"t":"MESSAGE_CREATE","d":{"id":"1575008135196704768","type":0,"channel_id":"1575008133418319875","author":{"id":"1575008128376766464","username":"codec_1","discriminator":"0","global_name":"Codec Member 1","avatar":null,"public_flags":0},"content":"gg everyone, raid tonight at 9? <@1575008128372572160> can you bring the healer build","timestamp":"2026-11-25T04:40:01.667+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[{"id":"1575008128372572160","username":"codec_0","discriminator":"0","global_name":"Codec Member 0","avatar":null,"public_flags":0}],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"flags":0,"components":[],"guild_id":"1575008133418319872","nonce":"1312345678901234567","member":{"nick":null,"avatar":null,"roles":[],"joined_at":"2026-11-25T04:40:01.255+00:00","premium_since":null,"deaf":false,"mute":false,"flags":0,"pending":false,"communication_disabled_until":null}},"s":217}';
    // Captured from the server in November 2026 (dictionary keys, u64 snowflakes), and written by the
    // shaped encoder before the string section (BCD snowflakes, inline strings).
    const captured = 'c70003d90112081300060000c0e08d8ddb15014004060300c0768d8ddb1506080600060000404a8c8ddb150787636f6465635f31088130098e436f646563204d656d62657220310a00744003055567672065766572796f6e652c207261696420746f6e6967687420617420393f203c40313537353030383132383337323537323136303e2063616e20796f75206272696e6720746865206865616c6572206275696c640c9d323032362d31312d32355430343a34303a30312e3636372b30303a30300d000e010f01100701080600060000004a8c8ddb150787636f6465635f30088130098e436f646563204d656d62657220300a007440110700120700130700160117406d070005060000c0768d8ddb151506874b6d1d716336121c080a1e000a001d07001f9d323032362d31312d32355430343a34303a30312e3235352b30303a3030750020012101174073017600';
    const shapedInline = 'c70003d901120a13d31575008135196704768040d3157500813341831987500a07d31575008128376766464017636f6465635f3111301e436f646563204d656d6265722031000940055567672065766572796f6e652c207261696420746f6e6967687420617420393f203c40313537353030383132383337323537323136303e2063616e20796f75206272696e6720746865206865616c6572206275696c642d323032362d31312d32355430343a34303a30312e3636372b30303a303000010107010a07d31575008128372572160017636f6465635f3011301e436f646563204d656d626572203000094007000700070001400700d315750081334183198720d3131234567890123456700a0b09000007002d323032362d31312d32355430343a34303a30312e3235352b30303a3030000101400100';
    const expected = JSON.parse(json) as unknown;
    for (const hex of [captured, shapedInline]) expect(expectOk(binaryCodec.decode(Uint8Array.from(Buffer.from(hex, 'hex'))))).toEqual(expected);
    // ... and the string section makes this frame smaller than both.
    expect(binaryCodec.encode(expected as GatewayPayload).length).toBeLessThan(shapedInline.length / 2);
  });

  it.each<[string, number[]]>([
    ['a section string with no section', [0, 0b00000, 0xd5 + 3]],
    ['a section length past the frame', [0, FLAGS_SECTION | FLAGS_LATIN1, 0xd5 + 3, ...ascii('abc'), 9]],
    ['a section length reaching into the header', [0, FLAGS_SECTION | FLAGS_LATIN1, 0xd5 + 1, 0x61, 3]],
    ['a string longer than the section', [0, FLAGS_SECTION | FLAGS_LATIN1, 0xd5 + 4, ...ascii('abc'), 3]],
    ['a long string past the section', [0, FLAGS_SECTION | FLAGS_LATIN1, 0x0c, 60, ...ascii('abc'), 3]],
    ['unused characters left in the section', [0, FLAGS_SECTION | FLAGS_LATIN1, 0xd5 + 2, ...ascii('abc'), 3]],
    ['a section length of five bytes', [0, FLAGS_SECTION, 0xd5, 0x80, 0x80, 0x80, 0x80, 0x80]],
    ['a frame that is only a section length', [0, FLAGS_SECTION, 0x80]],
    ['invalid UTF-8 in a section without the Latin-1 flag', [0, FLAGS_SECTION, 0xd5 + 2, 0xc3, 0x28, 2]],
    ['an encoded surrogate in the section', [0, FLAGS_SECTION, 0xd5 + 1, 0xed, 0xa0, 0x80, 3]],
  ])('rejects %s', (_name, rest) => {
    expectRejected(decodeSafely(() => binaryCodec.decode(Uint8Array.from([BINARY_MAGIC, ...rest]))));
  });

  it('reads a Latin-1 section byte for byte, so any byte is a character and there is nothing to reject', () => {
    const frame = Uint8Array.from([BINARY_MAGIC, 0, FLAGS_SECTION | FLAGS_LATIN1, 0xd5 + 3, 0x41, 0xe9, 0x80, 3]);
    expect(expectOk(binaryCodec.decode(frame)).d).toBe('A\u00e9\u0080');
    expect(binaryRoundTrip(expectOk(binaryCodec.decode(frame)))).toEqual(expectOk(binaryCodec.decode(frame)));
  });

  it('writes an empty array as the one byte 0x0D, in generic values and shaped lists, and still reads 0x07 0', () => {
    expect([...binaryCodec.encode({ op: 0, d: [], s: null, t: null })]).toEqual([BINARY_MAGIC, 0, 0, 0x0d]);
    const presence = binaryCodec.encode({ op: 0, t: 'PRESENCE_UPDATE', s: 3, d: { user: { id: '80351110224678912' }, status: 'online', activities: [] } });
    expect(presence.at(-1)).toBe(0x0d);
    expect(expectOk(binaryCodec.decode(presence)).d).toEqual({ user: { id: '80351110224678912' }, status: 'online', activities: [] });
    expect(expectOk(binaryCodec.decode(frameWithValue(0x07, 0))).d).toEqual([]);
  });
});

describe('binary codec without Node Buffer (the browser renderer)', () => {
  // The codec bundled for browsers and run in a fresh V8 context that has TextEncoder/TextDecoder
  // but no Buffer, so nodeStringMethods.ts finds no native methods and every fallback path runs.
  async function browserCodec(): Promise<{ encode(p: GatewayPayload): Uint8Array; decode(b: Uint8Array): DecodeResult }> {
    const built = await build({ entryPoints: [fileURLToPath(new URL('./BinaryCodec.ts', import.meta.url))], bundle: true, platform: 'browser', format: 'iife', globalName: 'codec', write: false, logLevel: 'silent' });
    const context = vm.createContext({ TextEncoder, TextDecoder, Uint8Array });
    vm.runInContext(`${built.outputFiles[0]!.text}; globalThis.binaryCodec = codec.binaryCodec; globalThis.hasBuffer = typeof Buffer !== 'undefined';`, context);
    const sandbox = context as { binaryCodec: { encode(p: GatewayPayload): Uint8Array; decode(b: Uint8Array): DecodeResult }; hasBuffer: boolean };
    expect(sandbox.hasBuffer).toBe(false);
    return sandbox.binaryCodec;
  }

  it('writes the same bytes as the Node path and reads Node frames back (ASCII, non-ASCII, lone surrogates, sections over 4 KiB)', async () => {
    const browser = await browserCodec();
    const payloads = [MESSAGE_CREATE, READY, HELLO, ...ROUND_TRIPS.map(([, p]) => p), dispatch(['x'.repeat(9000), 'a\uD800b', 'raid \uD83D', '\uDE42 ok'])];
    for (const payload of payloads) {
      const nodeFrame = binaryCodec.encode(payload);
      expect([...browser.encode(payload)]).toEqual([...nodeFrame]);
      // The context's objects have its own prototypes: compare them as JSON values.
      expect(overJson(expectOk(browser.decode(Uint8Array.from(nodeFrame))))).toEqual(overJson(expectOk(binaryCodec.decode(nodeFrame))));
    }
  });

  it('rejects invalid UTF-8 in the string section, and reads a Latin-1 section byte for byte', async () => {
    const browser = await browserCodec();
    expectRejected(browser.decode(Uint8Array.from([BINARY_MAGIC, 0, 0b01000, 0xd5 + 2, 0xc3, 0x28, 2])));
    expect(expectOk(browser.decode(Uint8Array.from([BINARY_MAGIC, 0, 0b11000, 0xd5 + 3, 0x41, 0xe9, 0x80, 3]))).d).toBe('A\u00e9\u0080');
  });
});
