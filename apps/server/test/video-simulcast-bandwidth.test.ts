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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayOpcode } from '@concord/protocol';
import { launchChromium, voiceBrowserArgs } from '@concord/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { SlotLayer } from '../src/voice/webrtc/videoTypes.ts';
import { connectGateway, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { Bottleneck } from './video-simulcast-bottleneck.ts';
import { SIMULCAST_PAGE } from './video-simulcast-page.ts';

interface SlotStats { ssrc: number; packetsReceived: number; framesDecoded: number; keyFramesDecoded: number; freezeCount: number; totalFreezesDuration: number; pliCount: number; frameWidth: number; frameHeight: number }
interface VideoStats { connectionState: string; slots: Record<string, SlotStats>; outbound: { rid: string; frameHeight: number; packetsSent: number }[] }
interface PageVoice { state: string; closeCode: number | null; answered: boolean; error: string | null; ready: { ssrc: number } | null; sources: { type: string; ssrc: number }[]; relayed?: boolean }
interface Sample { longestGapMs: number; framesDecoded: number; heights: number[] }
interface Member { page: Page; ssrc: number }

/** The bottleneck's rate (bits/s): between the middle layer (at most 500 kbit/s) and the top layer. */
const LIMIT_BPS = 700_000;

let t: TestServer;
let guildId: string;
let channelId: string;
let inviteCode = '';
let browser: Browser | undefined;
let pageServer: http.Server | undefined;
let pageUrl: string;
const gateways: Recorder[] = [];
const bottleneck = new Bottleneck();
let cameraSsrc = 0;

const voiceOf = (p: Page) => p.evaluate(() => { const v = (globalThis as unknown as { voice: PageVoice }).voice; return { state: v.state, closeCode: v.closeCode, answered: v.answered, error: v.error, ready: v.ready, sources: v.sources, relayed: v.relayed === true }; });
const statsOf = (p: Page) => p.evaluate(() => (globalThis as unknown as { videoStats(): Promise<VideoStats> }).videoStats());
const slotOf = async (p: Page) => Object.values((await statsOf(p)).slots)[0];
const sample = (p: Page, ms: number) => p.evaluate((x) => (globalThis as unknown as { sampleFrames(ms: number): Promise<Sample> }).sampleFrames(x), ms);
const send = (p: Page, op: number, d: unknown) => p.evaluate(([o, x]) => { (globalThis as unknown as { voice: { send(op: unknown, d: unknown): void } }).voice.send(o, x); }, [op, d] as const);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function layerOf(viewer: Member): SlotLayer | undefined {
  return t.server.voice?.node.media.videoSlotLayer?.(viewer.ssrc, cameraSsrc);
}

async function until<T>(ms: number, f: () => Promise<T | undefined> | T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined || Date.now() > deadline) return v;
    await sleep(100);
  }
}

async function joinVoice(user: TestUser, o: { camera?: boolean; videoSlots?: number; relay?: boolean }): Promise<Member> {
  if (!browser) throw new Error('no browser');
  const gateway = await connectGateway(t, user.token, 'json');
  gateways.push(gateway);
  const serverUpdate = gateway.client.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId);
  gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false });
  const { token, endpoint } = await serverUpdate;
  const page = await browser.newPage();
  if (o.relay) await page.exposeFunction('relayFor', (port: number) => bottleneck.open(port));
  await page.goto(pageUrl);
  await page.evaluate((x) => (globalThis as unknown as { startVoice(o: unknown): Promise<void> }).startVoice(x), { endpoint, serverId: guildId, userId: user.id, sessionId: gateway.client.session, token, ...o });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [v, s] = [await voiceOf(page), await statsOf(page)];
    if (v.error !== null || v.state === 'closed') throw new Error(`page voice failed: ${JSON.stringify({ error: v.error, closeCode: v.closeCode })}`);
    if (v.answered && s.connectionState === 'connected' && v.ready) return { page, ssrc: v.ready.ssrc };
    if (Date.now() > deadline) throw new Error(`page never connected: ${JSON.stringify({ v, s })}`);
    await sleep(200);
  }
}

async function viewer(relay: boolean): Promise<Member> {
  const u = await registerUser(t);
  await u.api.acceptInvite(inviteCode);
  const m = await joinVoice(u, { videoSlots: 1, relay });
  await send(m.page, 15, { [String(cameraSsrc)]: 100 });
  return m;
}

beforeAll(async () => {
  t = await startTestServer();
  const owner = await registerUser(t);
  const first = await registerUser(t);
  const { guild, invite } = await guildWithMember(owner, first);
  guildId = guild.id;
  inviteCode = invite.code;
  channelId = (await owner.api.createChannel(guild.id, { name: 'Bandwidth', type: 2 })).id;
  const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end(SIMULCAST_PAGE); });
  pageServer = server;
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  pageUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`;
  browser = await launchChromium({ args: voiceBrowserArgs({ certFile: t.voiceCaFile ?? '' }) });
  const sender = await joinVoice(first, { camera: true });
  cameraSsrc = (await until(10_000, async () => (await voiceOf(sender.page)).sources[0]?.ssrc)) ?? 0;
}, 120_000);

afterAll(async () => {
  bottleneck.close();
  await browser?.close();
  pageServer?.close();
  for (const g of gateways) g.close();
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
