// Simulcast layer choice by a viewer's real downlink: a Chromium sender whose 1280x720 fake camera
// goes out as three layers, an unconstrained viewer, and a viewer behind a bottleneck (a UDP hop
// between the SFU and its browser: token bucket at 700 kbit/s, a 100 ms drop-tail queue). The SFU
// learns the limit from that browser's REMB (its slots go without transport-cc, so Chromium runs its
// receive-side estimator: viewerFeedback.ts) and its receiver-report loss. Proven here: REMB arrives
// and falls under the limit; the limited viewer leaves the 720 layer within a few seconds and keeps
// decoding (frames rising, no long freeze); while the limit lasts it is on 720 only for the chooser's
// trials (up after its 10 s hold; REMB then holds below what is sent, so down again within ~2 s); the
// unconstrained viewer stays on 720 throughout; lifting the limit brings the limited viewer back to
// 720 at its next trial (hold doubled after a failed trial: within ~20 s).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { SlotLayer } from '../src/voice/webrtc/videoTypes.ts';
import { registerUser, type TestServer, type TestUser } from './harness.ts';
import { Bottleneck } from './video-simulcast-bottleneck.ts';
import { SIMULCAST_PAGE } from './video-simulcast-page.ts';
import { openVideoRoom, pageSample, pageSend, pageStats, until, type VideoPages } from './videoPages.ts';

interface SlotStats { ssrc: number; packetsReceived: number; framesDecoded: number; keyFramesDecoded: number; freezeCount: number; totalFreezesDuration: number; pliCount: number; frameWidth: number; frameHeight: number }
interface VideoStats { connectionState: string; slots: Record<string, SlotStats>; outbound: { rid: string; frameHeight: number; packetsSent: number }[] }
interface PageVoice { state: string; closeCode: number | null; answered: boolean; error: string | null; ready: { ssrc: number } | null; sources: { type: string; ssrc: number }[]; relayed?: boolean }
interface Sample { longestGapMs: number; framesDecoded: number; heights: number[] }
interface Member { page: Page; ssrc: number }

/** The bottleneck's rate (bits/s): between the middle layer (at most 500 kbit/s) and the top layer. */
const LIMIT_BPS = 700_000;

let t: TestServer;
let inviteCode = '';
let pages: VideoPages | undefined;
const bottleneck = new Bottleneck();
let cameraSsrc = 0;

const voiceOf = (p: Page) => p.evaluate(() => { const v = (globalThis as unknown as { voice: PageVoice }).voice; return { state: v.state, closeCode: v.closeCode, answered: v.answered, error: v.error, ready: v.ready, sources: v.sources, relayed: v.relayed === true }; });
const statsOf = (p: Page) => pageStats<VideoStats>(p);
const slotOf = async (p: Page) => Object.values((await statsOf(p)).slots)[0];
const sample = (p: Page, ms: number) => pageSample<Sample>(p, ms);
const send = pageSend;

function layerOf(viewer: Member): SlotLayer | undefined {
  return t.server.voice?.node.media.videoSlotLayer?.(viewer.ssrc, cameraSsrc);
}

async function joinVoice(user: TestUser, o: { camera?: boolean; videoSlots?: number; relay?: boolean }): Promise<Member> {
  if (!pages) throw new Error('no browser');
  const { page, voice } = await pages.join(user, o, { voiceOf, ready: (v) => v.ready !== null, ...(o.relay ? { relayFor: (port: number) => bottleneck.open(port) } : {}) });
  return { page, ssrc: voice.ready?.ssrc ?? 0 };
}

async function viewer(relay: boolean): Promise<Member> {
  const u = await registerUser(t);
  await u.api.acceptInvite(inviteCode);
  const m = await joinVoice(u, { videoSlots: 1, relay });
  await send(m.page, 15, { [String(cameraSsrc)]: 100 });
  return m;
}

beforeAll(async () => {
  const room = await openVideoRoom('Bandwidth', SIMULCAST_PAGE);
  ({ t, pages, inviteCode } = room);
  const sender = await joinVoice(room.first, { camera: true });
  cameraSsrc = (await until(10_000, async () => (await voiceOf(sender.page)).sources[0]?.ssrc)) ?? 0;
}, 120_000);

afterAll(async () => {
  bottleneck.close();
  await pages?.close();
  await t.close();
});

describe('simulcast layer by the viewer\'s real downlink (a 700 kbit/s bottleneck)', () => {
  it('a viewer behind a bottleneck leaves the 720 layer within seconds and keeps decoding; an unconstrained one stays on 720; lifting the limit brings it back', async () => {
    expect(cameraSsrc).toBeGreaterThan(0);
    const full = await viewer(false);
    const limited = await viewer(true);
    const trace: string[] = [];
    /** The limited viewer's layer every 500 ms, while `tracing` is on. */
    const rids: string[] = [];
    let tracing = false;
    const t0 = Date.now();
    const tracer = setInterval(() => {
      const [a, b] = [layerOf(full), layerOf(limited)];
      if (tracing) rids.push(b?.rid ?? '');
      trace.push(`${String(Math.round((Date.now() - t0) / 100) / 10)}s full ${a?.rid ?? '-'} remb ${String(Math.round((a?.rembBps ?? 0) / 1000))}k sent ${String(Math.round((a?.sentBps ?? 0) / 1000))}k | limited ${b?.rid ?? '-'} remb ${String(Math.round((b?.rembBps ?? 0) / 1000))}k sent ${String(Math.round((b?.sentBps ?? 0) / 1000))}k limit ${String(b?.limitBps ?? '-')}`);
    }, 500);
    onTestFinished(() => { clearInterval(tracer); console.log(trace.join('\n')); });
    expect((await voiceOf(limited.page)).relayed).toBe(true);
    // Both on the top layer, decoding, and the limited one's REMB flowing (Chromium starts it ~5 s in).
    const ready = await until(30_000, async () => {
      const [a, b] = [layerOf(full), layerOf(limited)];
      const s = await slotOf(limited.page);
      return a?.rid === 'f' && b?.rid === 'f' && b.rembBps > 0 && (s?.framesDecoded ?? 0) > 30 && a.height >= 360 ? { a, b } : undefined;
    });
    console.log(`before the limit: unconstrained ${JSON.stringify(layerOf(full))}; limited ${JSON.stringify(layerOf(limited))}`);
    expect(ready?.b.rid).toBe('f');
    const topHeight = ready?.a.height ?? 0;
    const fullSwitches = layerOf(full)?.switches ?? -1;
    // The top layer must need more than the link: else this proves nothing.
    const topBps = Math.max(layerOf(full)?.bitrate ?? 0, layerOf(limited)?.sentBps ?? 0);
    console.log(`top layer ${String(topBps)} bit/s at the SFU; limit ${String(LIMIT_BPS)}`);
    expect(topBps).toBeGreaterThan(LIMIT_BPS);

    const limitedAt = Date.now();
    const dropped0 = bottleneck.stats.dropped;
    bottleneck.limit(LIMIT_BPS, 100);
    const down = await until(8_000, () => { const l = layerOf(limited); return l && l.targetSsrc !== 0 && l.rid !== 'f' ? l : undefined; });
    const downAfterMs = Date.now() - limitedAt;
    console.log(`limited viewer down after ${String(downAfterMs)} ms: ${JSON.stringify(down)}; bottleneck ${JSON.stringify(bottleneck.stats)} (dropped since the limit ${String(bottleneck.stats.dropped - dropped0)})`);
    expect(down?.rid).toMatch(/^[hq]$/);
    // REMB tracks the link: at the switch it is below what the SFU was sending.
    expect(down?.limitBps ?? Number.POSITIVE_INFINITY).toBeLessThan(topBps);
    // While the limit lasts (past the chooser's 10 s hold: a trial up must fail and come back down):
    // decoding goes on, mostly below 720.
    tracing = true;
    const during = await sample(limited.page, 22_000);
    tracing = false;
    const onTop = rids.filter((r) => r === 'f').length / Math.max(1, rids.length);
    console.log(`limited viewer's layers during the limit (every 500 ms): ${rids.join('')}; share on 720 ${onTop.toFixed(2)}`);
    expect(onTop).toBeLessThan(0.25);
    expect(rids.slice(-4).every((r) => r !== 'f')).toBe(true);
    const slotDuring = await slotOf(limited.page);
    const l = layerOf(limited);
    console.log(`limited viewer during the limit: ${JSON.stringify(during)}; slot ${JSON.stringify(slotDuring)}; SFU ${JSON.stringify(l)}; bottleneck ${JSON.stringify(bottleneck.stats)}`);
    expect(during.framesDecoded).toBeGreaterThan(120);
    expect(during.longestGapMs).toBeLessThan(2_000);
    expect(during.heights.some((h) => h < topHeight)).toBe(true);
    expect(layerOf(full)).toMatchObject({ rid: 'f', switches: fullSwitches });

    // Limit lifted: back on 720 within the chooser's hold (10 s, doubled after a failed trial) and then some.
    bottleneck.limit(Number.POSITIVE_INFINITY);
    const liftedAt = Date.now();
    const up = await until(45_000, () => { const x = layerOf(limited); return x?.rid === 'f' ? x : undefined; });
    const upAfterMs = Date.now() - liftedAt;
    // And it stays there (REMB climbs slowly after the cuts: a level below what is sent must not move it).
    const after = await sample(limited.page, 6_000);
    console.log(`limited viewer back up after ${String(upAfterMs)} ms: ${JSON.stringify(up)}; ${JSON.stringify(after)}; unconstrained ${JSON.stringify(layerOf(full))}`);
    expect(up?.rid).toBe('f');
    // (The first reading may still be the last frame of the lower layer: the page decodes behind the SFU's switch.)
    expect(after.heights.slice(1).every((h) => h === topHeight)).toBe(true);
    expect(after.heights.at(-1)).toBe(topHeight);
    expect(layerOf(limited)?.rid).toBe('f');
    expect(after.longestGapMs).toBeLessThan(1_000);
    expect(layerOf(full)).toMatchObject({ rid: 'f', switches: fullSwitches });
  }, 180_000);
});
