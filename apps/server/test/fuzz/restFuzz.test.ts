// REST fuzz (issue 14 item 8): every registered route, round robin, with real and malformed ids,
// random methods, credentials, Content-Types and bodies generated from the route's schema (and
// mutated), plus the handlers outside the API router. Fixed seed, fixed number of cases.
// Asserts: no 5xx, no request left unanswered, the server process never dies, and afterwards it
// still delivers a sent message to gateway sessions in both encodings.
//
// The route table comes from the route factories, composed as Server.ts composes them
// (fuzzServer.ts); HttpServer does not list its routes, so a factory added to Server.ts only is
// not fuzzed until it is added there too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtures, fixturesHealthy, type Fixtures } from './fixtures.ts';
import { FuzzTarget, messageRoundTrip, sendRaw, type RawOutcome } from './FuzzTarget.ts';
import { Rng } from './generate.ts';
import { extraCase, restCase, type RestCase } from './restCases.ts';
import { ROUTE_SCHEMAS } from './routeSchemas.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed14);
const CASES = Number(process.env['FUZZ_REST_CASES'] ?? 2500);
/** A safety net for a slow machine: the run stops early (and says so) rather than time out. */
const BUDGET_MS = Number(process.env['FUZZ_BUDGET_MS'] ?? 40_000);
const REQUEST_TIMEOUT_MS = 3000;
const FIXTURE_CHECK_EVERY = 40;

interface Failure {
  c: RestCase;
  outcome: string;
  log: string[];
}

let target: FuzzTarget;
let fixtures: Fixtures;

beforeAll(async () => {
  target = await FuzzTarget.start();
  fixtures = await buildFixtures(target.url);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it; afterAll runs anyway
  await target?.stop();
});

function preview(bytes: Uint8Array | null): string {
  if (!bytes) return '';
  const text = Buffer.from(bytes).toString('utf8');
  const clean = Buffer.from(text, 'utf8').equals(Buffer.from(bytes)) ? JSON.stringify(text) : `hex:${Buffer.from(bytes).toString('hex')}`;
  return clean.length > 240 ? `${clean.slice(0, 240)}... (${bytes.byteLength} bytes)` : clean;
}

function describeOutcome(o: RawOutcome): string {
  if (o.kind === 'response') return `${o.status} ${o.body.slice(0, 120)}`;
  const previous = o.previousOnConnection ? ` (previous request on this keep-alive connection: ${o.previousOnConnection})` : '';
  if (o.kind === 'timeout') return `no answer in ${REQUEST_TIMEOUT_MS} ms${previous}`;
  return `connection error: ${o.error}${previous}`;
}

/**
 * What makes two failures the same bug: a 5xx belongs to its route; a hang, a crash or a broken
 * answer is grouped by method only (they come from the HTTP layer, whatever the route).
 */
function signature(f: Failure): string {
  const kind = f.outcome.replace(/ \(previous request.*$/, '').replace(/^(\d{3}) .*/, '$1').slice(0, 60);
  const pattern = f.c.route.replace(/^[A-Z]+ /, '');
  return /^5\d\d$/.test(kind) ? `${f.c.method} ${pattern} -> ${kind}` : `${f.c.method} (any path) -> ${kind}`;
}

/** The failures grouped by signature, each with its first case in full (enough to reproduce it). */
function table(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) groups.set(signature(f), [...(groups.get(signature(f)) ?? []), f]);
  const rows = [...groups.entries()].map(([sig, group]) => {
    const { c, outcome, log } = group[0]!;
    return [
      `${sig} (x${group.length}); first: case #${c.index} (built from ${c.route})`,
      `  ${c.method} ${c.path.length > 200 ? c.path.slice(0, 200) + `... (${c.path.length} chars)` : c.path}`,
      `  ${c.keepAlive ? 'keep-alive connection' : 'own connection'}; auth: ${c.authLabel}; content-type: ${JSON.stringify(c.headers['content-type'] ?? null)}${c.headers['x-audit-log-reason'] ? `; x-audit-log-reason: ${JSON.stringify(c.headers['x-audit-log-reason'].slice(0, 40))}` : ''}`,
      `  body: ${preview(c.body)}`,
      `  -> ${outcome}`,
      ...log.map((l) => `  server log: ${l}`),
    ].join('\n');
  });
  return rows.join('\n');
}

describe('REST fuzz', () => {
  it('knows the schema of routes that exist (the table names no removed route)', () => {
    const registered = new Set(target.routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(ROUTE_SCHEMAS).filter((key) => !registered.has(key))).toEqual([]);
  });

  it(`answers ${CASES} generated requests (seed ${SEED}) without a 5xx, a hang or a crash`, async () => {
    const rng = new Rng(SEED);
    const routes = [...target.routes].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
    const withoutSchema = routes.filter((r) => (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') && !ROUTE_SCHEMAS[`${r.method} ${r.path}`]?.body);
    const extraSlots = 4; // non-API targets per round of the route table
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    let dropped = 0;
    let refused = 0;
    const droppedKinds = new Map<string, number>();
    let rebuilt = 0;
    let rebuildMs = 0;
    let requestMs = 0;
    const slowest: { ms: number; label: string }[] = [];
    let ran = 0;
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      if (performance.now() - started > BUDGET_MS) break;
      if (i > 0 && i % FIXTURE_CHECK_EVERY === 0 && !(await fixturesHealthy(target.url, fixtures))) {
        const t0 = performance.now();
        fixtures = await buildFixtures(target.url);
        rebuildMs += performance.now() - t0;
        rebuilt++;
      }
      const slot = i % (routes.length + extraSlots);
      const version = rng.pick(['/v9', '/v10', '']);
      const c = slot < routes.length ? restCase(i, routes[slot]!, rng, fixtures, version) : extraCase(i, rng, fixtures);
      const logMark = target.errorLog.length;
      const sentAt = performance.now();
      const outcome = await sendRaw(target.url, c, REQUEST_TIMEOUT_MS);
      ran++;
      const tookMs = performance.now() - sentAt;
      requestMs += tookMs;
      if (tookMs > 100) slowest.push({ ms: Math.round(tookMs), label: `${c.method} ${c.route} ${outcome.kind === 'response' ? outcome.status : outcome.kind}` });
      if (outcome.kind === 'response') statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      const serverError = outcome.kind === 'response' && outcome.status >= 500;
      if (outcome.kind === 'refused') {
        refused++;
        continue;
      }
      if (outcome.kind === 'response' && !serverError) continue;
      // Give the server's log line a moment to arrive, so the table shows the error with the request.
      await new Promise((r) => setTimeout(r, 30));
      if (!target.alive) {
        failures.push({ c, outcome: `server process died (${describeOutcome(outcome)})`, log: [...target.errorLog.slice(logMark), target.deaths.at(-1) ?? ''] });
        await target.restart();
        continue;
      }
      if (outcome.kind === 'error' && !outcome.error.startsWith('Parse Error')) {
        // The connection was closed without an answer while the process lives: uWS refusing the
        // request before any Concord code runs (a method its parser does not know, headers over its
        // limit, a method no handler is registered for). Counted by kind, not a failure.
        dropped++;
        const kind = c.authLabel.startsWith('huge') ? 'huge Authorization' : c.route === 'non-API' ? `${c.method} outside /api` : c.method;
        droppedKinds.set(kind, (droppedKinds.get(kind) ?? 0) + 1);
        continue;
      }
      // A 5xx, no answer at all, or an answer that is not valid HTTP (e.g. a body after a HEAD response).
      failures.push({ c, outcome: describeOutcome(outcome), log: target.errorLog.slice(logMark) });
    }
    const seconds = (performance.now() - started) / 1000;
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
    console.log(
      `REST fuzz: ${ran} cases over ${routes.length} routes + non-API targets in ${seconds.toFixed(1)} s (seed ${SEED}${ran < CASES ? `, stopped at the ${BUDGET_MS} ms budget` : ''}); ` +
        `statuses ${byStatus}; ${dropped} connections closed without an answer (${[...droppedKinds.entries()].map(([k, n]) => `${k}: ${n}`).join(', ')}); ${refused} not sendable by node:http; fixtures rebuilt ${rebuilt}x (${(rebuildMs / 1000).toFixed(1)} s); ` +
        `server restarts after a crash: ${target.deaths.length}; failures: ${failures.length}`,
    );
    if (process.env['FUZZ_DEBUG']) console.log(`in requests: ${(requestMs / 1000).toFixed(1)} s`, slowest.sort((a, b) => b.ms - a.ms).slice(0, 30));
    if (withoutSchema.length > 0) console.log(`REST fuzz: routes with a body but no schema in routeSchemas.ts (random JSON only): ${withoutSchema.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    if (failures.length > 0) console.log(`REST fuzz failures:\n${table(failures)}`);
    expect(await target.healthy()).toBe(true);
    expect([...new Set(failures.map(signature))]).toEqual([]);
  }, 120_000);

  it('still delivers a sent message to gateway sessions in both encodings after the run', async () => {
    expect(target.alive).toBe(true);
    if (!(await fixturesHealthy(target.url, fixtures))) fixtures = await buildFixtures(target.url);
    for (const encoding of ['json', 'bin'] as const) {
      expect(await messageRoundTrip(target.url, fixtures.owner.token, fixtures.member.token, fixtures.channelId, encoding)).toBe(`after the fuzz run (${encoding})`);
    }
  });
});
