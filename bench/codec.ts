// Binary vs JSON gateway encoding on real events, against TARGETS.md: binary frames >= 30% smaller
// and encode+decode >= 2x faster than JSON.
//
// The events are captured from a running server over the gateway (a READY of a 50-member guild
// with roles, channels and presences, a MESSAGE_CREATE, a PRESENCE_UPDATE), or read from
// bench/fixtures/gateway-events.json with --fixtures. The same event captured on a bin session is
// compared byte for byte with binaryCodec.encode of the JSON one, so the sizes are the server's.
//
// Timing is fair to both sides: each op runs over many distinct variants of an event (new message
// ids and nonces; for READY every snowflake shifted), because the binary decoder keeps a cache of
// recently seen snowflakes and a benchmark that decodes one frame over and over would only ever hit
// it. Encode = codec.encode(payload) as the gateway calls it (JSON: a string; uWS converts it);
// decode = codec.decode(bytes as received). Rounds alternate JSON and binary; medians of CPU time
// per op are reported.
//
//   node --import tsx bench/codec.ts [--fixtures bench/fixtures/gateway-events.json] [--save-fixtures]
import { binaryCodec, jsonCodec, type GatewayCodec, type GatewayPayload } from '@concord/protocol';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { intOption, log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, removeTempDir, report, runBench } from './lib/cleanup.ts';
import { HttpPool, expectJson, forEachConcurrent } from './lib/HttpConnection.ts';
import { RawWebSocket } from './lib/RawWebSocket.ts';
import { ServerProcess, sleep } from './lib/ServerProcess.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { median, round } from './lib/stats.ts';
import os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_FIXTURES = path.join(here, 'fixtures/gateway-events.json');

const opts = parseArgs({
  fixtures: { default: '', help: 'read captured events from this file instead of starting a server' },
  'save-fixtures': { default: 'false', help: `write the captured events to ${path.relative(process.cwd(), DEFAULT_FIXTURES)}` },
  members: { default: '50', help: 'members of the captured guild (READY carries them all below 250)' },
  rounds: { default: '7', help: 'timed rounds per codec and op (median reported)' },
  'round-ms': { default: '300', help: 'length of one timed round' },
  variants: { default: '4096', help: 'distinct frames per event cycled through (> the decoder cache of 1024)' },
  'timeout-s': { default: '240', help: 'hard limit for the whole bench' },
});
const MEMBERS = intOption(opts.members, 'members', 2);
const ROUNDS = intOption(opts.rounds, 'rounds', 1);
const ROUND_MS = numberOption(opts['round-ms'], 'round-ms', 10);
const VARIANTS = intOption(opts.variants, 'variants', 1);
const GOALS = { smallerPct: 30, speedup: 2 };

interface Fixtures {
  captured_at: string;
  server_commit: string | null;
  /** JSON frames exactly as the server sent them. */
  json: Record<string, string>;
  /** The same events from a bin session, hex. */
  bin: Record<string, string>;
}

// ---------------------------------------------------------------- capture

class CaptureSession {
  readonly frames: { payload: GatewayPayload; raw: Buffer }[] = [];
  private waiters: { t: string; resolve: (f: { payload: GatewayPayload; raw: Buffer }) => void }[] = [];
  private readonly ws: RawWebSocket;
  private readonly codec: GatewayCodec;

  constructor(port: number, encoding: 'json' | 'bin', token: string) {
    this.codec = encoding === 'bin' ? binaryCodec : jsonCodec;
    this.ws = new RawWebSocket(port, `/?v=9&encoding=${encoding}`, {
      onOpen: () => {},
      onMessage: (p) => {
        const raw = Buffer.from(p);
        const r = this.codec.decode(encoding === 'bin' ? new Uint8Array(raw) : raw.toString('utf8'));
        if (!r.ok) throw new Error(`capture: undecodable frame: ${r.error}`);
        if (r.payload.op === 10) this.ws.send(this.codec.encode({ op: 2, d: { token, properties: { os: 'linux', browser: 'concord-bench', device: 'concord-bench' } }, s: null, t: null }), this.codec.binaryFrames);
        const f = { payload: r.payload, raw };
        this.frames.push(f);
        for (const w of this.waiters.filter((x) => x.t === r.payload.t)) w.resolve(f);
        this.waiters = this.waiters.filter((x) => x.t !== r.payload.t);
      },
      onClose: () => {},
    });
  }

  waitFor(t: string, afterIndex = 0, timeoutMs = 20_000): Promise<{ payload: GatewayPayload; raw: Buffer }> {
    const seen = this.frames.slice(afterIndex).find((f) => f.payload.t === t);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`capture: no ${t} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        t,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  close(): void {
    this.ws.destroy();
  }
}

async function capture(): Promise<Fixtures> {
  const dataDir = makeTempDir('codec');
  const server = await ServerProcess.start({ kind: 'concord', dataDir });
  const sessions: CaptureSession[] = [];
  try {
    const pool = await HttpPool.open(server.port, 16);
    const tokens: string[] = new Array<string>(MEMBERS);
    log(`capture: registering ${MEMBERS} users`);
    await forEachConcurrent(MEMBERS, 16, async (i) => {
      tokens[i] = expectJson<{ token: string }>(await pool.request('POST', '/api/v9/auth/register', { username: `codec_${i}`, password: 'bench-password-1', global_name: `Codec Member ${i}` }), 'register').token;
    });
    const owner = tokens[0]!;
    const guild = expectJson<{ id: string; system_channel_id: string }>(await pool.request('POST', '/api/v9/guilds', { name: 'Codec Bench Guild', description: 'A guild with a few channels and roles' }, owner), 'guild');
    for (const name of ['announcements', 'off-topic', 'memes', 'clips', 'lfg']) {
      expectJson(await pool.request('POST', `/api/v9/guilds/${guild.id}/channels`, { name, type: 0, topic: `all about ${name}` }, owner), 'channel');
    }
    for (const [name, color] of [['Moderator', 0x3498db], ['Raid Lead', 0xe67e22], ['Member', 0x2ecc71]] as const) {
      expectJson(await pool.request('POST', `/api/v9/guilds/${guild.id}/roles`, { name, color, hoist: true, mentionable: true }, owner), 'role');
    }
    const invite = expectJson<{ code: string }>(await pool.request('POST', `/api/v9/channels/${guild.system_channel_id}/invites`, { max_age: 0 }, owner), 'invite');
    await forEachConcurrent(MEMBERS - 1, 16, async (i) => {
      expectJson(await pool.request('POST', `/api/v9/invites/${invite.code}`, {}, tokens[i + 1]), 'join');
    });
    // Everyone but the owner online first, so the owner's READY carries their presences.
    for (let i = 2; i < MEMBERS; i++) sessions.push(new CaptureSession(server.port, 'json', tokens[i]!));
    await Promise.all(sessions.map((s) => s.waitFor('READY')));
    await sleep(300);
    const ownerJson = new CaptureSession(server.port, 'json', owner);
    sessions.push(ownerJson);
    const readyJson = await ownerJson.waitFor('READY');
    const ownerBin = new CaptureSession(server.port, 'bin', owner);
    sessions.push(ownerBin);
    const readyBin = await ownerBin.waitFor('READY');
    // PRESENCE_UPDATE: member 1 comes online while the owner's two sessions watch.
    const jsonMark = ownerJson.frames.length;
    const binMark = ownerBin.frames.length;
    const member1 = new CaptureSession(server.port, 'json', tokens[1]!);
    sessions.push(member1);
    await member1.waitFor('READY');
    const presenceJson = await ownerJson.waitFor('PRESENCE_UPDATE', jsonMark);
    const presenceBin = await ownerBin.waitFor('PRESENCE_UPDATE', binMark);
    // MESSAGE_CREATE from member 1, a typical chat line with a mention.
    const mark2 = ownerJson.frames.length;
    const mark2b = ownerBin.frames.length;
    const ownerId = (readyJson.payload.d as { user: { id: string } }).user.id;
    expectJson(
      await pool.request('POST', `/api/v9/channels/${guild.system_channel_id}/messages`, { content: `gg everyone, raid tonight at 9? <@${ownerId}> can you bring the healer build`, nonce: '1312345678901234567' }, tokens[1]),
      'message',
    );
    const messageJson = await ownerJson.waitFor('MESSAGE_CREATE', mark2);
    const messageBin = await ownerBin.waitFor('MESSAGE_CREATE', mark2b);
    pool.close();
    return {
      captured_at: new Date().toISOString(),
      server_commit: gitCommit(),
      json: { READY: readyJson.raw.toString('utf8'), MESSAGE_CREATE: messageJson.raw.toString('utf8'), PRESENCE_UPDATE: presenceJson.raw.toString('utf8') },
      bin: { READY: readyBin.raw.toString('hex'), MESSAGE_CREATE: messageBin.raw.toString('hex'), PRESENCE_UPDATE: presenceBin.raw.toString('hex') },
    };
  } finally {
    for (const s of sessions) s.close();
    await server.stop('kill');
    removeTempDir(dataDir);
  }
}

function gitCommit(): string | null {
  try {
    const head = fs.readFileSync(path.join(here, '../.git/HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    return fs.readFileSync(path.join(here, '../.git', head.slice(5)), 'utf8').trim();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- variants

const SNOWFLAKE = /^[1-9]\d{14,19}$/;

/** A deep copy with every snowflake-looking string passed through `map`. */
function mapSnowflakes(v: unknown, map: (s: string, key: string) => string, key = ''): unknown {
  if (typeof v === 'string') return SNOWFLAKE.test(v) ? map(v, key) : v;
  if (Array.isArray(v)) return v.map((x) => mapSnowflakes(x, map, key));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapSnowflakes(x, map, k);
    return out;
  }
  return v;
}

const addTo = (s: string, delta: bigint) => (BigInt(s) + delta).toString();

/**
 * Distinct but equally shaped payloads. MESSAGE_CREATE: a new message id and nonce each time
 * (author, channel and guild ids recur, as they do in a real channel). READY: every snowflake
 * shifted (a client decodes one READY, cold). PRESENCE_UPDATE: one of 1,000 users.
 */
function variantsOf(t: string, p: GatewayPayload, count: number): GatewayPayload[] {
  const out: GatewayPayload[] = [];
  for (let i = 0; i < count; i++) {
    let d: unknown;
    if (t === 'MESSAGE_CREATE') {
      const m = structuredClone(p.d) as { id: string; nonce?: string };
      m.id = addTo(m.id, BigInt(i) << 22n);
      if (m.nonce !== undefined && SNOWFLAKE.test(m.nonce)) m.nonce = addTo(m.nonce, BigInt(i) << 22n);
      d = m;
    }
    else if (t === 'READY') d = mapSnowflakes(p.d, (s) => addTo(s, BigInt(i + 1) << 12n));
    else d = mapSnowflakes(p.d, (s, key) => (key === 'id' ? addTo(s, BigInt(i % 1000) << 22n) : s));
    out.push({ ...p, d, s: (p.s ?? 0) + i });
  }
  return out;
}

// ---------------------------------------------------------------- timing

/**
 * CPU nanoseconds per call of `fn(i)` over `n` items, for one round of ROUND_MS wall time. CPU time
 * (getrusage of this process, GC threads included) rather than wall time, because the machine is
 * shared: another process taking the core stretches wall time but not our CPU time.
 */
function timeRound(fn: (i: number) => number, n: number): number {
  let calls = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const budget = BigInt(Math.round(ROUND_MS * 1e6));
  while (process.hrtime.bigint() - start < budget) {
    for (let k = 0; k < 256; k++) sink += fn(calls++ % n);
  }
  const cpu = process.cpuUsage(cpu0);
  if (sink === -1) log('impossible');
  return ((cpu.user + cpu.system) * 1000) / calls;
}

interface OpTimes {
  encode_ns: number;
  decode_ns: number;
  roundtrip_ns: number;
  roundtrip_ops_per_s: number;
}

function benchEvent(t: string, payload: GatewayPayload): Record<string, unknown> {
  const variants = variantsOf(t, payload, t === 'READY' ? Math.min(VARIANTS, 256) : VARIANTS);
  const jsonBytes = variants.map((p) => new Uint8Array(Buffer.from(jsonCodec.encode(p))));
  const jsonStrings = variants.map((p) => jsonCodec.encode(p));
  const binBytes = variants.map((p) => binaryCodec.encode(p));
  // Both decoders must give back the same value before anything is timed.
  for (let i = 0; i < Math.min(50, variants.length); i++) {
    const a = jsonCodec.decode(jsonBytes[i]!);
    const b = binaryCodec.decode(binBytes[i]!);
    if (!a.ok || !b.ok || !isDeepStrictEqual(a.payload, b.payload)) throw new Error(`${t}: binary and JSON decode differ for variant ${i}`);
  }
  const n = variants.length;
  const jsonLen = jsonBytes[0]!.length;
  const binLen = binBytes[0]!.length;
  const ops: Record<string, (i: number) => number> = {
    json_encode: (i) => jsonCodec.encode(variants[i]!).length,
    bin_encode: (i) => binaryCodec.encode(variants[i]!).length,
    json_decode: (i) => (jsonCodec.decode(jsonBytes[i]!).ok ? 1 : 0),
    bin_decode: (i) => (binaryCodec.decode(binBytes[i]!).ok ? 1 : 0),
    json_encode_to_bytes: (i) => Buffer.from(jsonCodec.encode(variants[i]!)).length,
    json_decode_from_string: (i) => (jsonCodec.decode(jsonStrings[i]!).ok ? 1 : 0),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(ops).map((k) => [k, []]));
  for (const fn of Object.values(ops)) timeRound(fn, n); // warm-up (JIT)
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? Object.keys(ops) : Object.keys(ops).reverse();
    for (const name of order) samples[name]!.push(timeRound(ops[name]!, n));
  }
  const med = (k: string) => median(samples[k]!);
  const times = (enc: string, dec: string): OpTimes => ({
    encode_ns: round(med(enc), 0),
    decode_ns: round(med(dec), 0),
    roundtrip_ns: round(med(enc) + med(dec), 0),
    roundtrip_ops_per_s: round(1e9 / (med(enc) + med(dec)), 0),
  });
  const json = times('json_encode', 'json_decode');
  const bin = times('bin_encode', 'bin_decode');
  // The same frame decoded over and over: what a naive benchmark would report (decoder cache always warm).
  const single = binBytes[0]!;
  const singleNs = median(Array.from({ length: 3 }, () => timeRound(() => (binaryCodec.decode(single).ok ? 1 : 0), 1)));
  return {
    variants: n,
    size_bytes: { json: jsonLen, bin: binLen, bin_smaller_pct: round((1 - binLen / jsonLen) * 100, 1) },
    json,
    bin,
    json_encode_to_bytes_ns: round(med('json_encode_to_bytes'), 0),
    json_decode_from_string_ns: round(med('json_decode_from_string'), 0),
    speedup: {
      encode: round(json.encode_ns / bin.encode_ns, 2),
      decode: round(json.decode_ns / bin.decode_ns, 2),
      roundtrip: round(json.roundtrip_ns / bin.roundtrip_ns, 2),
      roundtrip_vs_json_bytes_in_and_out: round((med('json_encode_to_bytes') + json.decode_ns) / bin.roundtrip_ns, 2),
    },
    bin_decode_same_frame_repeated_ns: round(singleNs, 0),
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  armDeadline(numberOption(opts['timeout-s'], 'timeout-s', 10), () => {
    process.stdout.write(JSON.stringify({ bench: 'codec', error: 'timed out' }) + '\n');
  });
  let fixtures: Fixtures;
  let source: string;
  if (opts.fixtures) {
    const file = path.resolve(opts.fixtures === 'true' ? DEFAULT_FIXTURES : opts.fixtures);
    fixtures = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixtures;
    source = `fixtures ${path.relative(process.cwd(), file)} (captured ${fixtures.captured_at})`;
  } else {
    fixtures = await capture();
    source = 'captured live from the server';
    if (opts['save-fixtures'] === 'true') {
      fs.mkdirSync(path.dirname(DEFAULT_FIXTURES), { recursive: true });
      fs.writeFileSync(DEFAULT_FIXTURES, JSON.stringify(fixtures, null, 2) + '\n');
      log(`saved ${DEFAULT_FIXTURES}`);
    }
  }
  const events: Record<string, Record<string, unknown>> = {};
  const wire: Record<string, unknown> = {};
  for (const [t, text] of Object.entries(fixtures.json)) {
    const decoded = jsonCodec.decode(text);
    if (!decoded.ok) throw new Error(`${t}: fixture does not decode: ${decoded.error}`);
    // The server's own bin frame of the same event: same size as encoding the JSON one here?
    const serverBin = Buffer.from(fixtures.bin[t] ?? '', 'hex');
    const serverBinDecoded = binaryCodec.decode(new Uint8Array(serverBin));
    const ours = binaryCodec.encode({ ...decoded.payload, s: serverBinDecoded.ok ? serverBinDecoded.payload.s : decoded.payload.s });
    wire[t] = {
      json_frame_bytes: Buffer.byteLength(text),
      server_bin_frame_bytes: serverBin.length,
      bin_reencoded_bytes: ours.length,
      // READY is per session (session_id, and the bin session saw the json session's own presence).
      server_bin_decodes_to_same_value: t === 'READY' ? 'n/a (another session)' : serverBinDecoded.ok && isDeepStrictEqual({ ...serverBinDecoded.payload, s: null }, { ...decoded.payload, s: null }),
    };
    log(`timing ${t} (${Buffer.byteLength(text)} JSON bytes)`);
    events[t] = benchEvent(t, decoded.payload);
  }
  const speedups = Object.values(events).map((e) => (e['speedup'] as { roundtrip: number }).roundtrip);
  const smaller = Object.values(events).map((e) => (e['size_bytes'] as { bin_smaller_pct: number }).bin_smaller_pct);
  const goals = {
    bin_ge_30pct_smaller_all_events: smaller.every((s) => s >= GOALS.smallerPct),
    bin_ge_2x_faster_roundtrip_all_events: speedups.every((s) => s >= GOALS.speedup),
  };
  const summary =
    `codec: ` +
    Object.entries(events)
      .map(([t, e]) => {
        const sz = e['size_bytes'] as { json: number; bin: number; bin_smaller_pct: number };
        const sp = e['speedup'] as { encode: number; decode: number; roundtrip: number };
        return `${t} ${sz.json}->${sz.bin} B (${sz.bin_smaller_pct}% smaller), encode x${sp.encode} decode x${sp.decode} roundtrip x${sp.roundtrip}`;
      })
      .join('; ') +
    ` | goals >=30% smaller and >=2x roundtrip: ${goals.bin_ge_30pct_smaller_all_events ? 'size met' : 'size NOT met'}, ${goals.bin_ge_2x_faster_roundtrip_all_events ? 'speed met' : 'speed NOT met'}`;
  const out = { bench: 'codec', config: { source, rounds: ROUNDS, round_ms: ROUND_MS, variants: VARIANTS, node: process.version, fixtures_server_commit: fixtures.server_commit, load_average_at_start: os.loadavg().map((x) => round(x, 2)), ...gitInfo() }, wire, events, goals, wall_s: round((Date.now() - started) / 1000, 1), summary };
  report(out);
}

runBench('codec', main);
