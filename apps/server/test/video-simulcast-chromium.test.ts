// Simulcast through the SFU between real Chromium pages: a sender whose 1280x720 fake camera goes out
// as three layers (rids f/h/q at scale 1/2/4), and viewers the SFU gives one layer each: one
// unconstrained (the top layer), one that asks for a small tile (op 15 `max_height:<ssrc>` 180: the
// low layer), and one whose bandwidth drops. The drop is made with the SFU's own cap on a viewer's
// estimate (WebRtcMedia.capVideoBandwidth: the layer chooser sees it exactly as a low estimate from the
// viewer's feedback), set between the middle and top layers' measured bitrates: the viewer must move
// down a layer at a key frame and keep decoding (no gap between decoded frames beyond ~1 s), and after
// the cap goes it must come back up only after the chooser's 10 s of headroom, not at once.
// The viewers' REMB is in the logged slot state (the real constrained link is video-simulcast-bandwidth.test.ts).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoiceMedia } from '../src/voice/LocalVoiceNode.ts';
import { UP_HOLD_MS } from '../src/voice/webrtc/layerChooser.ts';
import { registerUser, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { SIMULCAST_PAGE } from './video-simulcast-page.ts';
import { openVideoRoom, pageSample, pageSend, pageStats, until, type VideoPages } from './videoPages.ts';

interface SlotStats { ssrc: number; packetsReceived: number; framesDecoded: number; keyFramesDecoded: number; freezeCount: number; totalFreezesDuration: number; pliCount: number; frameWidth: number; frameHeight: number }
interface Outbound { rid: string; ssrc: number; packetsSent: number; framesEncoded: number; frameWidth: number; frameHeight: number; qualityLimitationReason: string }
interface VideoStats { connectionState: string; slots: Record<string, SlotStats>; outbound: Outbound[]; availableOutgoingBitrate: number }
interface PageVoice { state: string; closeCode: number | null; answered: boolean; error: string | null; simulcastAnswered: boolean; ready: { ssrc: number } | null; sources: { type: string; ssrc: number }[]; sinks: Record<string, { ssrc: number; slot_ssrc: number }> }
interface Sample { longestGapMs: number; framesDecoded: number; heights: number[] }
interface Member { user: TestUser; gateway: Recorder; page: Page; ssrc: number }

let t: TestServer;
let pages: VideoPages | undefined;
let sender: Member;
let cameraSsrc = 0;
/** The tallest layer the sender produces (720 unless its encoder scaled down under load). */
let topHeight = 0;
/** The unconstrained viewer's layer switches once it reached the top layer (a layer starting late can move it once before). */
let fullSwitches = -1;

const voiceOf = (p: Page) => p.evaluate(() => { const v = (globalThis as unknown as { voice: PageVoice }).voice; return { state: v.state, closeCode: v.closeCode, answered: v.answered, error: v.error, simulcastAnswered: v.simulcastAnswered, ready: v.ready, sources: v.sources, sinks: v.sinks }; });
const statsOf = (p: Page) => pageStats<VideoStats>(p);
const sample = (p: Page, ms: number) => pageSample<Sample>(p, ms);
const send = pageSend;

/** The voice node's media (its layer state and the cap). */
function media(): { videoSlotLayer: NonNullable<VoiceMedia['videoSlotLayer']>; capVideoBandwidth: NonNullable<VoiceMedia['capVideoBandwidth']> } {
  const m = t.server.voice?.node.media;
  if (m?.videoSlotLayer === undefined || m.capVideoBandwidth === undefined) throw new Error('no voice node media with video');
  return { videoSlotLayer: m.videoSlotLayer.bind(m), capVideoBandwidth: m.capVideoBandwidth.bind(m) };
}

async function joinVoice(user: TestUser, o: { camera?: boolean; videoSlots?: number }): Promise<Member> {
  if (!pages) throw new Error('no browser');
  const { gateway, page, voice } = await pages.join(user, o, { voiceOf, ready: (v) => v.ready !== null });
  return { user, gateway, page, ssrc: voice.ready?.ssrc ?? 0 };
}

/** The SFU's layers of the camera (low -> high), from the unconstrained viewer's slot state. */
const layerOf = (viewer: Member) => media().videoSlotLayer(viewer.ssrc, cameraSsrc);

beforeAll(async () => {
  const room = await openVideoRoom('Simulcast', SIMULCAST_PAGE);
  ({ t, pages, inviteCode } = room);
  sender = await joinVoice(room.first, { camera: true });
  cameraSsrc = (await until(10_000, async () => (await voiceOf(sender.page)).sources[0]?.ssrc)) ?? 0;
}, 120_000);

let inviteCode = '';
async function viewer(): Promise<Member> {
  const u = await registerUser(t);
  await u.api.acceptInvite(inviteCode);
  return joinVoice(u, { videoSlots: 1 });
}

afterAll(async () => {
  await pages?.close();
  await t.close();
});

describe('simulcast through the SFU (Chromium sender, three layers)', () => {
  let full: Member;

  it('the answer takes the three rids; the sender sends three layers and the SFU sees them, ordered by height', async () => {
    expect((await voiceOf(sender.page)).simulcastAnswered).toBe(true);
    expect(cameraSsrc).toBeGreaterThan(0);
    full = await viewer();
    await send(full.page, 15, { [String(cameraSsrc)]: 100 });
    const layers = await until(10_000, () => { const l = layerOf(full); return l && l.layers === 3 && l.height > 0 ? l : undefined; });
    const out = (await statsOf(sender.page)).outbound;
    console.log(`sender: available outgoing ${String((await statsOf(sender.page)).availableOutgoingBitrate)} bit/s; layers: ${out.map((o) => `${o.rid} ${String(o.frameWidth)}x${String(o.frameHeight)} sent ${String(o.packetsSent)} (${o.qualityLimitationReason})`).join(' | ')}`);
    expect(out.filter((o) => o.packetsSent > 0).map((o) => o.rid).sort()).toEqual(['f', 'h', 'q']);
    expect(layers?.layers).toBe(3);
  }, 60_000);

  it('an unconstrained viewer gets the top layer (the tallest the sender produces)', async () => {
    const top = Math.max(...(await statsOf(sender.page)).outbound.map((o) => o.frameHeight));
    topHeight = top;
    const got = await until(10_000, async () => { const s = Object.values((await statsOf(full.page)).slots)[0]; return s && s.frameHeight === top && s.framesDecoded > 10 ? s : undefined; });
    const l = layerOf(full);
    console.log(`unconstrained viewer: ${JSON.stringify(got)}; SFU slot ${JSON.stringify(l)}`);
    expect(got?.frameHeight).toBe(top);
    expect(top).toBeGreaterThanOrEqual(360);
    expect(l?.rid).toBe('f');
    fullSwitches = l?.switches ?? -1;
  }, 30_000);

  it('a viewer asking for a small tile (op 15 max_height 180) gets the low layer', async () => {
    const small = await viewer();
    await send(small.page, 15, { [String(cameraSsrc)]: 100, [`max_height:${String(cameraSsrc)}`]: 180 });
    const got = await until(10_000, async () => { const s = Object.values((await statsOf(small.page)).slots)[0]; return s && s.framesDecoded > 10 ? s : undefined; });
    const l = layerOf(small);
    console.log(`small-tile viewer: ${JSON.stringify(got)}; SFU slot ${JSON.stringify(l)}`);
    expect(got?.frameHeight).toBeGreaterThan(0);
    expect(got?.frameHeight).toBeLessThanOrEqual(180);
    expect(l?.rid).toBe('q');
    // The same viewer lifting its cap moves up at once (its own choice, not the estimate's).
    await send(small.page, 15, { [String(cameraSsrc)]: 100 });
    const up = await until(5_000, () => { const x = layerOf(small); return x?.rid === 'f' ? x : undefined; });
    expect(up?.rid).toBe('f');
  }, 30_000);

  it('a viewer whose bandwidth drops moves down a layer at a key frame and keeps decoding; it comes back up only after the hold', async () => {
    const v = await viewer();
    await send(v.page, 15, { [String(cameraSsrc)]: 100 });
    await until(10_000, async () => { const s = Object.values((await statsOf(v.page)).slots)[0]; return s && s.framesDecoded > 30 && layerOf(v)?.rid === 'f' ? s : undefined; });
    const slotSsrc0 = Object.values((await statsOf(v.page)).slots)[0]?.ssrc;
    // The layers' bitrates as the SFU measures them (from the viewers on each).
    const byRid = new Map<string, number>();
    for (const m of [full, v]) { const l = layerOf(m); if (l) byRid.set(l.rid, l.bitrate); }
    const topBps = byRid.get('f') ?? 0;
    expect(topBps).toBeGreaterThan(0);
    // Between the middle layer (at most its 500 kbit/s maxBitrate) and the top layer's measured rate.
    const cap = Math.max(600_000, Math.round(topBps * 0.8));
    console.log(`layer bitrates at the SFU: ${JSON.stringify([...byRid])}; cap ${String(cap)}`);
    const before = Object.values((await statsOf(v.page)).slots)[0]!;
    media().capVideoBandwidth(v.ssrc, cap);
    const during = await sample(v.page, 5_000);
    const after = Object.values((await statsOf(v.page)).slots)[0]!;
    const l = layerOf(v);
    console.log(`capped viewer: ${JSON.stringify(during)}; SFU slot ${JSON.stringify(l)}; before ${JSON.stringify(before)} after ${JSON.stringify(after)}`);
    expect(l?.rid).toBe('h');
    expect(l?.switches).toBeGreaterThanOrEqual(1);
    expect(during.heights.at(-1)).toBeLessThan(before.frameHeight);
    expect(during.longestGapMs).toBeLessThan(1_000);
    expect(during.framesDecoded).toBeGreaterThan(30);
    // The same receive stream throughout: the switch is inside one continuous RTP stream.
    expect(after.ssrc).toBe(slotSsrc0);
    // Cap lifted: no move for most of the hold, then up.
    media().capVideoBandwidth(v.ssrc, null);
    const held = await sample(v.page, UP_HOLD_MS - 3_000);
    expect(layerOf(v)?.rid).toBe('h');
    expect(held.longestGapMs).toBeLessThan(1_000);
    const up = await until(8_000, () => { const x = layerOf(v); return x?.rid === 'f' ? x : undefined; });
    expect(up?.rid).toBe('f');
    const upSample = await sample(v.page, 2_000);
    console.log(`after the hold: SFU slot ${JSON.stringify(up)}; ${JSON.stringify(upSample)}`);
    expect(upSample.longestGapMs).toBeLessThan(1_000);
    expect(upSample.heights.at(-1)).toBe(topHeight);
    // The unconstrained viewer stayed on the top layer since it got there: the estimate moved nobody by itself.
    const fullLayer = layerOf(full);
    console.log(`unconstrained viewer at the end: ${JSON.stringify(fullLayer)}`);
    expect(fullLayer).toMatchObject({ rid: 'f', switches: fullSwitches });
  }, 60_000);
});
