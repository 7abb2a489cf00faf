// One load-generator process of the fan-out bench (forked by gateway-fanout.ts; not run by hand).
// Holds a slice of the gateway sessions on raw sockets, identifies them with bounded concurrency,
// keeps them heartbeating, and records every MESSAGE_CREATE delivery exactly: a bitmap per
// (session, message index) from the nonce, and the latency send -> arrival of the TCP chunk.
// Frames are classified by looking at a few bytes; every k-th MESSAGE_CREATE is fully decoded with
// the real codec and checked, so the cheap path is verified against the real one.
import { DISPATCH_EVENTS, binaryCodec, jsonCodec, type GatewayCodec } from '@concord/protocol';
import { NONCE_INDEX_DIGITS, NONCE_PREFIX, NONCE_TIME_DIGITS, messageContent, type FromLoadgen, type LoadgenInit, type ToLoadgen } from './lib/fanoutProtocol.ts';
import { monoUs } from './lib/proc.ts';
import { RawWebSocket } from './lib/RawWebSocket.ts';

const HEARTBEAT_EVERY_US = 30_000_000; // the server allows 41.25 s + 15 s grace

interface Session {
  index: number;
  ws: RawWebSocket | null;
  ready: boolean;
  connectStartUs: number;
  lastHeartbeatUs: number;
  received: number;
}

let init: LoadgenInit | null = null;
let codec: GatewayCodec = jsonCodec;
// Filled by index as sessions identify: holes until then.
let sessions: (Session | undefined)[] = [];
let got = new Uint8Array(0);
let latencyUs = new Float64Array(0);
let received = 0;
let duplicates = 0;
let firstReceiveUs = 0;
let lastReceiveUs = 0;
let completeSent = false;
let verified = 0;
const verifyFailures: string[] = [];
let messageFrames = 0;
let framesTotal = 0;
let bytesTotal = 0;
let bytesAtMark = 0;
let framesByType = new Map<string, number>();
let closedAfterReady = 0;
const closeCodes = new Map<string, number>();
let readyCount = 0;
let failures = 0;
const failureReasons = new Map<string, number>();
let readyLatencyUs: number[] = [];
let firstConnectUs = 0;
let lastReadyUs = 0;
let nextToStart = 0;
let inFlight = 0;
let openCount = 0;
let heartbeatFrame: Uint8Array | string = '';

const send = (m: FromLoadgen) => process.send!(m);
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

// Byte patterns that find the nonce of our messages without decoding the frame.
const JSON_NONCE = Buffer.from(`"nonce":"${NONCE_PREFIX}`);
// A binary frame carries strings longer than 12 characters (the nonce among them) as plain text
// in its string section, so the prefix itself is the pattern; the verify pass decodes the frame.
const BIN_NONCE = Buffer.from(NONCE_PREFIX);
const JSON_T_OFFSET = '{"op":0,"t":"'.length;

/** op and event name without decoding: JSON frames start {"op":N,"t":"NAME" (the server's key order). */
function classify(p: Buffer): { op: number; t: string | null } {
  if (init!.encoding === 'bin') {
    if (p[0] !== 0xc7) return { op: -1, t: null };
    const op = p[1]!;
    const flags = p[2]!;
    let i = 3;
    if (flags & 1) while (p[i++]! & 0x80);
    if (!(flags & 2)) return { op, t: null };
    if (flags & 4) return { op, t: 'string-event' };
    return { op, t: DISPATCH_EVENTS[p[i]!] ?? `event#${p[i]}` };
  }
  let op = 0;
  let i = 6;
  for (; p[i]! >= 48 && p[i]! <= 57; i++) op = op * 10 + p[i]! - 48;
  if (op !== 0 || p[i + 2] !== 0x74 /* t */ || p[i + 5] !== 0x22) return { op, t: null };
  const end = p.indexOf(0x22, JSON_T_OFFSET);
  return { op, t: p.toString('latin1', JSON_T_OFFSET, end) };
}

/** The nonce's prefix followed by its digits: packed-digit snowflakes may hold the prefix's two bytes, never 19 ASCII digits after them. */
function findBinaryNonce(p: Buffer): number {
  const digits = NONCE_INDEX_DIGITS + NONCE_TIME_DIGITS;
  for (let at = p.indexOf(BIN_NONCE); at >= 0; at = p.indexOf(BIN_NONCE, at + 1)) {
    let i = at + BIN_NONCE.length;
    const end = i + digits;
    while (i < end && p[i]! >= 0x30 && p[i]! <= 0x39) i++;
    if (i === end) return at;
  }
  return -1;
}

function readDigits(p: Buffer, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) v = v * 10 + p[i]! - 48;
  return v;
}

function onMessageCreate(s: Session, p: Buffer, arrivedUs: number): void {
  messageFrames++;
  const isBin = init!.encoding === 'bin';
  const at = isBin ? findBinaryNonce(p) : p.indexOf(JSON_NONCE);
  if (at < 0) return; // someone else's message
  const digitsAt = at + (isBin ? BIN_NONCE.length : JSON_NONCE.length);
  const index = readDigits(p, digitsAt, NONCE_INDEX_DIGITS);
  const sentUs = readDigits(p, digitsAt + NONCE_INDEX_DIGITS, NONCE_TIME_DIGITS);
  const M = init!.messages;
  if (index >= M) return;
  const k = s.index * M + index;
  if (got[k]) {
    duplicates++;
    return;
  }
  got[k] = 1;
  latencyUs[k] = arrivedUs - sentUs;
  if (received === 0) firstReceiveUs = arrivedUs;
  lastReceiveUs = arrivedUs;
  received++;
  s.received++;
  if (messageFrames % init!.verifyEvery === 0) verify(p, index);
  if (received === sessions.length * M && !completeSent) {
    completeSent = true;
    send({ type: 'complete', atUs: arrivedUs });
  }
}

function verify(p: Buffer, index: number): void {
  const r = codec.decode(init!.encoding === 'bin' ? new Uint8Array(p) : p.toString('utf8'));
  const d = r.ok ? (r.payload.d as { nonce?: unknown; content?: unknown } | null) : null;
  const expectedNoncePrefix = NONCE_PREFIX + String(index).padStart(NONCE_INDEX_DIGITS, '0');
  if (!r.ok) verifyFailures.push(`decode failed: ${r.error}`);
  else if (r.payload.t !== 'MESSAGE_CREATE' || typeof d?.nonce !== 'string' || !d.nonce.startsWith(expectedNoncePrefix) || d.content !== messageContent(index)) {
    verifyFailures.push(`frame does not match: t=${r.payload.t} nonce=${String(d?.nonce)}`);
  } else {
    verified++;
    return;
  }
  if (verifyFailures.length > 20) verifyFailures.length = 20;
}

function identifyFrame(token: string): Uint8Array | string {
  return codec.encode({ op: 2, d: { token, properties: { os: 'linux', browser: 'concord-bench', device: 'concord-bench' } }, s: null, t: null });
}

function startSession(index: number): void {
  const s: Session = { index, ws: null, ready: false, connectStartUs: monoUs(), lastHeartbeatUs: 0, received: 0 };
  sessions[index] = s;
  if (firstConnectUs === 0) firstConnectUs = s.connectStartUs;
  inFlight++;
  const token = init!.tokens[index]!;
  s.ws = new RawWebSocket(init!.port, `/?v=9&encoding=${init!.encoding}`, {
    onOpen: () => {
      openCount++;
    },
    onMessage: (p, _isBinary, arrivedUs) => {
      framesTotal++;
      bytesTotal += p.length;
      const { op, t } = classify(p);
      if (s.ready) {
        if (op === 0 && t === 'MESSAGE_CREATE') onMessageCreate(s, p, arrivedUs);
        bump(framesByType, t ?? `op:${op}`);
        return;
      }
      if (op === 10) {
        s.ws!.send(identifyFrame(token), codec.binaryFrames);
        s.lastHeartbeatUs = arrivedUs;
      } else if (op === 0 && t === 'READY') {
        s.ready = true;
        readyCount++;
        inFlight--;
        readyLatencyUs.push(arrivedUs - s.connectStartUs);
        lastReadyUs = arrivedUs;
        pump();
      } else if (op === 9) sessionFailed(s, 'invalid session (op 9)');
      bump(framesByType, t ?? `op:${op}`);
    },
    onClose: (code, reason) => {
      openCount--;
      if (s.ready) {
        closedAfterReady++;
        bump(closeCodes, String(code ?? reason));
      } else sessionFailed(s, `closed before READY: ${code ?? ''} ${reason}`);
    },
  });
}

function sessionFailed(s: Session, reason: string): void {
  if (s.ready || s.ws === null) return;
  s.ws.destroy();
  s.ws = null;
  failures++;
  inFlight--;
  bump(failureReasons, reason);
  pump();
}

function pump(): void {
  const n = init!.tokens.length;
  while (inFlight < init!.connectConcurrency && nextToStart < n) startSession(nextToStart++);
  if (readyCount + failures === n && nextToStart === n) {
    send({
      type: 'connected',
      ready: readyCount,
      failures,
      failureReasons: Object.fromEntries(failureReasons),
      readyLatencyUs: Float64Array.from(readyLatencyUs),
      firstConnectUs,
      lastReadyUs,
    });
    readyLatencyUs = [];
  }
}

setInterval(() => {
  const now = monoUs();
  for (const s of sessions) {
    if (s?.ready && s.ws && now - s.lastHeartbeatUs > HEARTBEAT_EVERY_US) {
      s.lastHeartbeatUs = now;
      s.ws.send(heartbeatFrame, codec.binaryFrames);
    }
  }
}, 1000).unref();

process.on('message', (m: ToLoadgen) => {
  switch (m.type) {
    case 'init':
      init = m;
      codec = m.encoding === 'bin' ? binaryCodec : jsonCodec;
      heartbeatFrame = codec.encode({ op: 1, d: null, s: null, t: null });
      sessions = new Array<Session | undefined>(m.tokens.length);
      got = new Uint8Array(m.tokens.length * m.messages);
      latencyUs = new Float64Array(m.tokens.length * m.messages);
      return;
    case 'connect':
      pump();
      return;
    case 'stats':
      send({ type: 'stats', frames: framesTotal, bytes: bytesTotal, open: openCount });
      return;
    case 'mark':
      framesByType = new Map();
      bytesAtMark = bytesTotal;
      return;
    case 'report': {
      const M = init!.messages;
      const lat = new Float64Array(received);
      let j = 0;
      let sessionsMissing = 0;
      for (let si = 0; si < sessions.length; si++) {
        if ((sessions[si]?.received ?? 0) < M) sessionsMissing++;
        for (let k = si * M; k < si * M + M; k++) if (got[k]) lat[j++] = latencyUs[k]!;
      }
      const cpu = process.cpuUsage();
      send({
        type: 'report',
        sessions: sessions.length,
        received,
        duplicates,
        sessionsMissing,
        latencyUs: lat,
        firstReceiveUs,
        lastReceiveUs,
        verified,
        verifyFailures,
        framesByType: Object.fromEntries(framesByType),
        bytesSinceMark: bytesTotal - bytesAtMark,
        closedAfterReady,
        closeCodes: Object.fromEntries(closeCodes),
        cpuUs: cpu.user + cpu.system,
      });
      return;
    }
    case 'exit':
      for (const s of sessions) s?.ws?.destroy();
      process.exit(0);
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (e) => {
  send({ type: 'error', message: e.stack ?? String(e) });
  process.exit(1);
});
