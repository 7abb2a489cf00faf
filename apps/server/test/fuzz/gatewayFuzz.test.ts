// Gateway fuzz (issue 14 item 8): malformed frames in both encodings, before and after IDENTIFY,
// on many sockets at once. Each case must end with the server closing the socket with a Discord
// close code (4000-4014) or ignoring the frames; never another close code, a dropped connection
// or an HTTP error on upgrade. The one exception is a frame that is invalid at the WebSocket layer
// (a text frame that is not UTF-8, or one over uWS's 64 KiB maxPayloadLength): uWS drops such a
// connection itself (1006) before any Concord code runs, and that is accepted for those cases only. Two observer sessions (json and bin) of a guild member receive every
// event the fuzzed sessions cause (presence updates with odd activities among them) and must stay
// connected. Afterwards the server still delivers a sent message in both encodings.
import { GatewayOpcode, binaryCodec, jsonCodec, type GatewayPayload } from '@concord/protocol';
import { GatewayClient, type WebSocketConstructor } from '@concord/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildFixtures, type Fixtures } from './fixtures.ts';
import { FuzzTarget, messageRoundTrip } from './FuzzTarget.ts';
import { describeFrames, gatewayCase, identities, type Frame, type GatewayCase } from './gatewayCases.ts';
import { Rng } from './generate.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed14);
const CASES = Number(process.env['FUZZ_GATEWAY_CASES'] ?? 2000);
const BUDGET_MS = Number(process.env['FUZZ_BUDGET_MS'] ?? 40_000);
const CONCURRENCY = 8;
const EXTRA_USERS = 16;
/** How long a case waits for the server to react to its last frame before counting it as ignored. */
const QUIET_MS = 80;
const STEP_TIMEOUT_MS = 3000;

interface CaseResult {
  c: GatewayCase;
  /** How the server ended it: a close code, 'open' (ignored), or what went wrong. */
  outcome: string;
  ok: boolean;
}

let target: FuzzTarget;
let fixtures: Fixtures;

beforeAll(async () => {
  target = await FuzzTarget.start();
  fixtures = await buildFixtures(target.url, EXTRA_USERS);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it; afterAll runs anyway
  await target?.stop();
});

/** 4000 (unknown error) is what the server's guard closes with when a handler threw: like a 5xx, a bug. */
const isDiscordCloseCode = (code: number) => code > 4000 && code <= 4014;

function decode(data: WebSocket.RawData, isBinary: boolean): GatewayPayload | null {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
  const r = isBinary ? binaryCodec.decode(new Uint8Array(bytes)) : jsonCodec.decode(bytes.toString('utf8'));
  return r.ok ? r.payload : null;
}

/** Runs one case on its own socket; never throws. */
async function runCase(url: string, c: GatewayCase): Promise<CaseResult> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/${c.query}`);
  let closed: { code: number; reason: string } | null = null;
  let upgradeRefused: number | null = null;
  let waiter: (() => void) | null = null;
  const inbox: GatewayPayload[] = [];
  let received = 0;
  const wake = () => waiter?.();
  ws.on('message', (data, isBinary) => {
    received++;
    const p = decode(data, isBinary);
    if (p) inbox.push(p);
    wake();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  ws.on('unexpected-response', (_req, res) => {
    upgradeRefused = res.statusCode ?? 0;
    closed = { code: -1, reason: `upgrade answered HTTP ${upgradeRefused}` };
    wake();
  });
  ws.on('error', () => wake());
  /** Waits until the socket closes or `done()` holds, and says which (or that `ms` ran out first). */
  const until = async (done: () => boolean, ms: number): Promise<'closed' | 'done' | 'timeout'> => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (closed) return 'closed';
      if (done()) return 'done';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };
  const send = (f: Frame) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(f.data, { binary: f.binary });
  };
  const result = (outcome: string, ok: boolean): CaseResult => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    return { c, outcome, ok };
  };
  const judgeClose = (phase: string): CaseResult => {
    const cl = closed!;
    if (upgradeRefused !== null) return result(cl.reason, upgradeRefused < 500);
    // 1006 (no close frame) is uWS refusing a frame that is invalid at the WebSocket layer.
    return result(`closed ${cl.code} ${cl.reason} (${phase})`, isDiscordCloseCode(cl.code) || (cl.code === 1006 && c.websocketInvalid));
  };

  // With compress=zlib-stream the HELLO cannot be decoded here: any first message counts.
  const hello = await until(() => inbox.some((p) => p.op === GatewayOpcode.Hello) || (c.query.includes('compress') && received > 0), STEP_TIMEOUT_MS);
  if (hello === 'timeout') return result(`no HELLO in ${STEP_TIMEOUT_MS} ms`, false);
  if (hello === 'closed') return judgeClose('before HELLO');
  if (c.identify) {
    send(c.identify.frame);
    const answered = await until(() => inbox.some((p) => (p.op === 0 && p.t === 'READY') || p.op === GatewayOpcode.InvalidSession), STEP_TIMEOUT_MS);
    if (answered === 'closed') return judgeClose(`IDENTIFY as ${c.identify.as}`);
    if (answered === 'timeout') return result(`no READY, INVALID_SESSION or close ${STEP_TIMEOUT_MS} ms after IDENTIFY`, false);
  }
  for (const f of c.frames) send(f);
  if ((await until(() => false, QUIET_MS)) === 'closed') return judgeClose('after the frames');
  return result('open (frames ignored)', true);
}

function observer(url: string, token: string, encoding: 'json' | 'bin') {
  const client = new GatewayClient({ url: url.replace('http', 'ws'), token, encoding, WebSocket: WebSocket as unknown as WebSocketConstructor, reconnect: false });
  const closes: string[] = [];
  let dispatches = 0;
  client.on('close', (code, reason) => closes.push(`${code} ${reason}`));
  client.on('dispatch', () => dispatches++);
  client.connect();
  return { client, closes, dispatches: () => dispatches, ready: client.waitForReady() };
}

describe('gateway fuzz', () => {
  it(`closes ${CASES} malformed sessions (seed ${SEED}) only with Discord close codes and keeps other sessions alive`, async () => {
    const observers = [observer(target.url, fixtures.member.token, 'json'), observer(target.url, fixtures.member.token, 'bin')];
    await Promise.all(observers.map((o) => o.ready));
    const rng = new Rng(SEED);
    const who = identities(fixtures);
    const cases = Array.from({ length: CASES }, (_, i) => gatewayCase(i, rng, fixtures, who[i % who.length]!));
    const results: CaseResult[] = [];
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < cases.length) {
        if (performance.now() - started > BUDGET_MS) return;
        const c = cases[next++]!;
        const r = await runCase(target.url, c);
        if (!target.alive) r.outcome = `server process died: ${target.deaths.at(-1) ?? ''} (${r.outcome})`;
        results.push(r);
        if (!target.alive) await target.restart();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // A case never started only when a worker stopped at the budget.
    const stoppedEarly = results.length < cases.length;
    const seconds = (performance.now() - started) / 1000;

    const outcomes = new Map<string, number>();
    for (const r of results) {
      const key = r.outcome.startsWith('closed') ? r.outcome.split(' ').slice(0, 2).join(' ') : r.outcome.startsWith('open') ? 'ignored' : r.outcome.slice(0, 40);
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    const failures = results.filter((r) => !r.ok).sort((a, b) => a.c.index - b.c.index);
    const observerCloses = observers.flatMap((o, i) => o.closes.map((cl) => `observer ${i === 0 ? 'json' : 'bin'} closed: ${cl}`));
    console.log(
      `gateway fuzz: ${results.length} cases in ${seconds.toFixed(1)} s (seed ${SEED}, ${CONCURRENCY} sockets at a time${stoppedEarly ? `, stopped at the ${BUDGET_MS} ms budget` : ''}); ` +
        `outcomes ${[...outcomes.entries()].sort().map(([k, n]) => `${k}:${n}`).join(', ')}; ` +
        `observers saw ${observers.map((o) => o.dispatches()).join('/')} dispatches; server restarts after a crash: ${target.deaths.length}; failures: ${failures.length}`,
    );
    if (failures.length > 0 && target.errorLog.length > 0) console.log(`server error log:\n${target.errorLog.join('\n')}`);
    if (failures.length > 0) {
      console.log(
        `gateway fuzz failures:\n${failures
          .map((r) => `#${r.c.index} ${r.c.query || '(no query)'} ${r.c.identify ? `IDENTIFY as ${r.c.identify.as}, then ` : ''}${describeFrames(r.c.frames)}\n  -> ${r.outcome}`)
          .join('\n')}`,
      );
    }
    for (const o of observers) o.client.close();
    expect(await target.healthy()).toBe(true);
    expect(observerCloses).toEqual([]);
    expect(failures.map((r) => `#${r.c.index} ${r.outcome}`)).toEqual([]);
  }, 120_000);

  it('still delivers a sent message to gateway sessions in both encodings after the run', async () => {
    expect(target.alive).toBe(true);
    for (const encoding of ['json', 'bin'] as const) {
      expect(await messageRoundTrip(target.url, fixtures.owner.token, fixtures.member.token, fixtures.channelId, encoding)).toBe(`after the fuzz run (${encoding})`);
    }
  });
});
