// GET /api/v9/applications/detectable against a real server: Discord's shape, the seeded games, no
// authentication, and ETag revalidation (304 with an empty body while the list is unchanged).
import { DETECTABLE_OS, DetectableApplicationListSchema } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ifNoneMatchHits, loadDetectableList } from '../src/http/routes/detectableRoutes.ts';
import { startTestServer, type TestServer } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ VOICE: 'off' });
});
afterAll(async () => {
  await t.close();
});

const url = () => `${t.server.url}/api/v9/applications/detectable`;

describe('GET /applications/detectable', () => {
  it('answers without a token, in Discord shape, with at least 200 games and their win32, linux and darwin executables', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const list = DetectableApplicationListSchema.parse(await res.json());
    const games = list.filter((a) => a.executables.some((e) => !e.is_launcher));
    expect(games.length).toBeGreaterThanOrEqual(200);
    for (const os of DETECTABLE_OS) expect(games.filter((g) => g.executables.some((e) => e.os === os)).length, os).toBeGreaterThan(os === 'win32' ? 200 : 40);
    const cs2 = list.find((a) => a.name === 'Counter-Strike 2')!;
    expect(cs2.executables).toContainEqual({ os: 'linux', name: 'game/bin/linuxsteamrt64/cs2', is_launcher: false });
    expect(cs2.aliases).toContain('CS2');
    const steam = list.find((a) => a.name === 'Steam')!;
    expect(steam.executables.every((e) => e.is_launcher)).toBe(true);
  });

  it('seeds only valid entries: unique snowflake ids, known systems, lowercase slash-separated names, no executable listed twice', () => {
    const { applications } = loadDetectableList();
    expect(new Set(applications.map((a) => a.id)).size).toBe(applications.length);
    const seen = new Set<string>();
    for (const app of applications) {
      expect(BigInt(app.id) > 0n).toBe(true);
      for (const e of app.executables) {
        expect(DETECTABLE_OS as readonly string[]).toContain(e.os);
        expect(e.name).toBe(e.name.toLowerCase());
        expect(e.name).not.toMatch(/\\|^\/|\/$/);
        const key = `${e.os}:${e.name}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });

  it('sends an ETag and answers If-None-Match with 304 and no body; another tag gets the list again', async () => {
    const first = await fetch(url());
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const body = await first.text();

    const revalidated = await fetch(url(), { headers: { 'if-none-match': etag! } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(await revalidated.text()).toBe('');

    const listed = await fetch(url(), { headers: { 'if-none-match': `"stale", W/${etag!}` } });
    expect(listed.status).toBe(304);

    const stale = await fetch(url(), { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(body);
  });

  it('compares entity tags as RFC 9110 says for If-None-Match (weak comparison, *)', () => {
    expect(ifNoneMatchHits(null, '"a"')).toBe(false);
    expect(ifNoneMatchHits('*', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b" , "a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"ab"', '"a"')).toBe(false);
    expect(ifNoneMatchHits('a', '"a"')).toBe(false);
  });

  it('refuses to start from a malformed seed file with a message that names the file', () => {
    expect(() => loadDetectableList([{ id: 'x', name: 'Broken' }])).toThrow(/detectableGames\.json is malformed/);
    const app = { id: '1', name: 'A', executables: [], aliases: [], hook: true, overlay: true, overlay_warn: false, overlay_compatibility_hook: false, summary: '', icon_hash: null };
    expect(() => loadDetectableList([app, { ...app, name: 'B' }])).toThrow(/duplicate id 1/);
  });
});
