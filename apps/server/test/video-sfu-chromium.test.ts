// Video through the SFU between real Chromium pages (fake camera and fake screen capture), each
// driving RTCPeerConnection directly through the TLS voice gateway: one sender with its camera and a
// Go Live screen, three viewers that watch both for 60 s (frames decoded keep rising, no freeze), a
// late joiner that decodes its first frame within 1 s of op 15, a viewer whose path drops 5% of the
// video packets the SFU sends it (a UDP hop in this test) and recovers through NACK/PLI while the
// others stay freeze-free, a member in the room who watches nothing and receives no video packet,
// a member without STREAM whose op 12 is refused (op 41, 50013), and the streams ending when their
// owner leaves voice.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { GatewayOpcode, PermissionFlags } from '@concord/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { openVideoRoom, pageStats, type VideoPages } from './videoPages.ts';

const PAGE = readFileSync(fileURLToPath(new URL('./fixtures/video-sfu-page.html', import.meta.url)));
/** How long the three viewers are watched. */
const WATCH_MS = Number(process.env.VIDEO_WATCH_MS ?? 60_000);
const LOSS_SHARE = 0.05;
// This file runs in the `quiet` vitest project (alone, after the rest): no freeze at all. On a starved
// machine the sender's own capture gaps freeze every viewer whatever the SFU does; set
// VIDEO_ALLOW_SOURCE_FREEZES=1 there to allow as many freezes as gaps counted at the SFU's ingress.
const STRICT_FREEZES = process.env.VIDEO_ALLOW_SOURCE_FREEZES !== '1';

interface SlotStats { ssrc: number; packetsReceived: number; packetsLost: number; framesDecoded: number; keyFramesDecoded: number; freezeCount: number; totalFreezesDuration: number; framesDropped: number; nackCount: number; pliCount: number; frameWidth: number; frameHeight: number }
interface VideoStats { connectionState: string; slots: Record<string, SlotStats>; outbound: Record<string, { packetsSent: number; framesEncoded: number; pliCount: number; nackCount: number; frameWidth: number; frameHeight: number }> }
interface Sink { user_id: string; type: 'video' | 'screen'; ssrc: number; mid: string; slot_ssrc: number; active: boolean }
interface PageVoice { state: string; closeCode: number | null; answered: boolean; error: string | null; sources: { type: string; ssrc: number }[]; sinks: Record<string, Sink>; refused: { type: string; ssrc: number; code: number }[]; videos: Record<string, { streams: { type: string; ssrc: number; active: boolean }[] }>; ops: { op: number; d: unknown }[]; limits: unknown; relayed: boolean }

let t: TestServer;
let guildId: string;
let channelId: string;
let pages: VideoPages | undefined;
const relays: dgram.Socket[] = [];
const relayCounts = { toBrowserVideo: 0, dropped: 0 };
let owner: TestUser;

interface Member { user: TestUser; gateway: Recorder; page: Page }


const voiceOf = (p: Page) => p.evaluate(() => { const v = (globalThis as unknown as { voice: PageVoice }).voice; return { state: v.state, closeCode: v.closeCode, answered: v.answered, error: v.error, sources: v.sources, sinks: v.sinks, refused: v.refused, videos: v.videos, ops: v.ops.map((o) => ({ op: o.op, d: o.d })), limits: v.limits, relayed: v.relayed }; });
const statsOf = (p: Page) => pageStats<VideoStats>(p);
const watch = (p: Page, wants: Record<string, number>) => p.evaluate((w) => (globalThis as unknown as { watch(w: Record<string, number>): Promise<Record<string, number>> }).watch(w), wants);

/**
 * A UDP hop between one browser and the SFU (the page puts it in the answer as the only candidate):
 * everything passes except a share of the server's video RTP towards the browser (payload types
 * 96/102; RTCP and audio pass), as a lossy last mile would drop them.
 */
async function relayTo(serverPort: number): Promise<number> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  relays.push(front, back);
  let browserAddr: { address: string; port: number } | null = null;
  front.on('message', (msg, rinfo) => {
    browserAddr = { address: rinfo.address, port: rinfo.port };
    back.send(msg, serverPort, '127.0.0.1');
  });
  let n = 0;
  back.on('message', (msg) => {
    if (browserAddr === null) return;
    const b0 = msg[0] ?? 0;
    const pt = (msg[1] ?? 0) & 0x7f;
    const rtp = b0 >= 128 && b0 < 192 && !((msg[1] ?? 0) >= 192 && (msg[1] ?? 0) <= 223);
    if (rtp && (pt === 96 || pt === 102)) {
      relayCounts.toBrowserVideo++;
      // Every 20th video packet (5%), spread so no two neighbours go together.
      if (++n % Math.round(1 / LOSS_SHARE) === 0) {
        relayCounts.dropped++;
        return;
      }
    }
    front.send(msg, browserAddr.port, browserAddr.address);
  });
  await new Promise<void>((r) => { front.bind(0, '127.0.0.1', r); });
  await new Promise<void>((r) => { back.bind(0, '127.0.0.1', r); });
  return (front.address()).port;
}

async function joinVoice(user: TestUser, o: { mic?: boolean; camera?: boolean; screen?: boolean; videoSlots?: number; relay?: boolean; announce?: boolean }): Promise<Member> {
  if (!pages) throw new Error('no browser');
  const { gateway, page } = await pages.join(user, o, { voiceOf, relayFor: relayTo });
  return { user, gateway, page };
}

let sender: Member;
let viewers: Member[];
let bystander: Member;
let cameraSsrc: number;
let screenSsrc: number;

beforeAll(async () => {
  const room = await openVideoRoom('Stage', PAGE);
  ({ t, owner, guildId, channelId, pages } = room);
  const users = [room.first];
  for (let i = 0; i < 4; i++) {
    const u = await registerUser(t);
    await u.api.acceptInvite(room.inviteCode);
    users.push(u);
  }
  sender = await joinVoice(users[0]!, { mic: true, camera: true, screen: true });
  viewers = [];
  for (const u of users.slice(1, 4)) viewers.push(await joinVoice(u, { videoSlots: 4 }));
  bystander = await joinVoice(users[4]!, { videoSlots: 4 });
  const sources = (await voiceOf(sender.page)).sources;
  cameraSsrc = sources.find((s) => s.type === 'video')?.ssrc ?? 0;
  screenSsrc = sources.find((s) => s.type === 'screen')?.ssrc ?? 0;
}, 120_000);

afterAll(async () => {
  await pages?.close();
  for (const r of relays) r.close();
  await t.close();
});

const sum = (s: VideoStats, f: (x: SlotStats) => number) => Object.values(s.slots).reduce((a, x) => a + f(x), 0);

describe('video through the SFU between Chromium pages', () => {
  it('announces the sender\'s camera and screen to the room (op 12) with the 720p30 / 1080p30 limits in op 4', async () => {
    expect(cameraSsrc).toBeGreaterThan(0);
    expect(screenSsrc).toBeGreaterThan(0);
    for (const v of [...viewers, bystander]) {
      const deadline = Date.now() + 5_000;
      let streams: { type: string; ssrc: number; active: boolean }[] = [];
      while (Date.now() < deadline) {
        streams = (await voiceOf(v.page)).videos[sender.user.id]?.streams ?? [];
        if (streams.length === 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(streams).toEqual(expect.arrayContaining([{ type: 'video', ssrc: cameraSsrc, active: true }, { type: 'screen', ssrc: screenSsrc, active: true }]));
    }
    expect((await voiceOf(sender.page)).limits).toEqual({
      video: { max_width: 1280, max_height: 720, max_framerate: 30, max_bitrate: 2_500_000 },
      screen: { max_width: 1920, max_height: 1080, max_framerate: 30, max_bitrate: 4_000_000 },
    });
  });

  it(`three viewers watching both streams decode frames throughout ${String(WATCH_MS / 1000)} s without a freeze; the bystander gets no video packet`, async () => {
    const timings0 = sourceGaps();
    const firstFrames = await Promise.all(viewers.map((v) => watch(v.page, { [String(cameraSsrc)]: 100, [String(screenSsrc)]: 100 })));
    console.log(`first frame after op 15 (ms): ${JSON.stringify(firstFrames)}`);
    for (const f of firstFrames) expect(Object.keys(f)).toHaveLength(2);
    const windows = 3;
    const samples: VideoStats[][] = [await Promise.all(viewers.map((v) => statsOf(v.page)))];
    for (let w = 0; w < windows; w++) {
      await new Promise((r) => setTimeout(r, WATCH_MS / windows));
      samples.push(await Promise.all(viewers.map((v) => statsOf(v.page))));
    }
    const timings1 = sourceGaps();
    const gapsIn = (type: string) => (timings1[type] ?? 0) - (timings0[type] ?? 0);
    console.log(`at the SFU's ingress during the window: ${JSON.stringify(t.server.voice?.node.videoSourceTimings())}; gaps camera ${String(gapsIn('video'))}, screen ${String(gapsIn('screen'))}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const sinkTypes = await Promise.all(viewers.map(async (v) => Object.fromEntries(Object.entries((await voiceOf(v.page)).sinks).map(([mid, k]) => [mid, k.type]))));
    viewers.forEach((_, i) => {
      const per = samples.map((s) => s[i]!);
      const last = per.at(-1)!;
      const slots = Object.values(last.slots);
      console.log(`viewer ${String(i + 1)}: ${Object.entries(last.slots).map(([mid, s]) => `${(sinkTypes[i] ?? {})[mid] ?? mid} ${String(s.frameWidth)}x${String(s.frameHeight)} decoded ${String(s.framesDecoded)} freezes ${String(s.freezeCount)} (${String(s.totalFreezesDuration)} s) dropped ${String(s.framesDropped)} nacks ${String(s.nackCount)} plis ${String(s.pliCount)} lost ${String(s.packetsLost)}`).join(' | ')}`);
      expect(slots).toHaveLength(2);
      for (const mid of Object.keys(last.slots)) {
        // At least one frame per second in every window (the fake screen only changes a few times a second).
        for (let w = 1; w < per.length; w++) expect(per[w]!.slots[mid]!.framesDecoded).toBeGreaterThan((per[w - 1]!.slots[mid]?.framesDecoded ?? 0) + WATCH_MS / windows / 1000);
        // A freeze every viewer of a source sees because the source's frames came late to the SFU
        // (capture/encoder gaps in its RTP timestamps on a starved machine) is not the SFU's: the
        // SFU must add none. By default none at all (see STRICT_FREEZES).
        const allowed = STRICT_FREEZES ? 0 : gapsIn(sinkTypes[i]?.[mid] ?? '');
        expect(last.slots[mid]!.freezeCount).toBeLessThanOrEqual(allowed);
      }
      // Forwarded as sent (the sender's encoder may scale down under CPU load, so only: real frames).
      for (const s of slots) expect(s.frameWidth * s.frameHeight).toBeGreaterThan(0);
    });
    const sent = await statsOf(sender.page);
    console.log(`sender: ${Object.values(sent.outbound).map((o) => `${String(o.frameWidth)}x${String(o.frameHeight)} encoded ${String(o.framesEncoded)} sent ${String(o.packetsSent)} plis ${String(o.pliCount)} nacks ${String(o.nackCount)}`).join(' | ')}`);
    const quiet = await statsOf(bystander.page);
    expect(sum(quiet, (s) => s.packetsReceived)).toBe(0);
    expect((await voiceOf(bystander.page)).sinks).toEqual({});
  }, WATCH_MS + 60_000);

  it('a late joiner decodes its first frame within 1 s of asking (op 15 -> PLI -> key frame)', async () => {
    const late = await joinVoice(await memberUser(), { videoSlots: 2 });
    await new Promise((r) => setTimeout(r, 600)); // past the PLI window of anything before
    const first = await watch(late.page, { [String(screenSsrc)]: 100, [String(cameraSsrc)]: 100 });
    console.log(`late joiner, first frame after op 15 (ms): ${JSON.stringify(first)}`);
    expect(first[screenSsrc]).toBeLessThan(1_000);
    expect(first[cameraSsrc]).toBeLessThan(1_000);
    viewers.push(late);
  }, 60_000);

  it(`a viewer whose path drops ${String(LOSS_SHARE * 100)}% of its video recovers through NACK/PLI; the others stay freeze-free`, async () => {
    const lossy = await joinVoice(await memberUser(), { videoSlots: 2, relay: true });
    expect((await voiceOf(lossy.page)).relayed).toBe(true);
    await watch(lossy.page, { [String(screenSsrc)]: 100, [String(cameraSsrc)]: 100 });
    // From here on (the key frame its subscription asked for is through): only the loss differs.
    await new Promise((r) => setTimeout(r, 1_500));
    const others0 = await Promise.all(viewers.map((v) => statsOf(v.page)));
    const gaps0 = sourceGaps();
    const a = await statsOf(lossy.page);
    const dropped0 = relayCounts.dropped;
    await new Promise((r) => setTimeout(r, 10_000));
    const b = await statsOf(lossy.page);
    const others1 = await Promise.all(viewers.map((v) => statsOf(v.page)));
    console.log(`lossy viewer: relay saw ${String(relayCounts.toBrowserVideo)} video packets, dropped ${String(relayCounts.dropped)}; ${Object.values(b.slots).map((s) => `decoded ${String(s.framesDecoded)} nacks ${String(s.nackCount)} plis ${String(s.pliCount)} lost ${String(s.packetsLost)} freezes ${String(s.freezeCount)}`).join(' | ')}`);
    expect(relayCounts.dropped - dropped0).toBeGreaterThanOrEqual(5);
    expect(sum(b, (s) => s.nackCount)).toBeGreaterThan(0);
    // Frames keep coming on both slots (at least 1 fps over the 10 s).
    for (const mid of Object.keys(b.slots)) expect(b.slots[mid]!.framesDecoded - (a.slots[mid]?.framesDecoded ?? 0)).toBeGreaterThan(10);
    // Retransmissions fill the holes: far fewer packets stay lost than were dropped.
    expect(sum(b, (s) => s.packetsLost)).toBeLessThan(relayCounts.dropped / 4);
    const gaps1 = sourceGaps();
    const gapsDuring = STRICT_FREEZES ? 0 : Object.keys(gaps1).reduce((a, k) => a + (gaps1[k] ?? 0) - (gaps0[k] ?? 0), 0);
    others1.forEach((s, i) => {
      // The others see no loss: no NACK, and no freeze beyond those in the source itself.
      expect(sum(s, (x) => x.freezeCount) - sum(others0[i]!, (x) => x.freezeCount)).toBeLessThanOrEqual(gapsDuring);
      expect(sum(s, (x) => x.nackCount)).toBe(sum(others0[i]!, (x) => x.nackCount));
    });
  }, 60_000);

  it('refuses the camera of a member without STREAM (op 41, 50013) and tells nobody about it', async () => {
    const user = await memberUser();
    await owner.api.putOverwrite(channelId, user.id, { type: 1, allow: '0', deny: String(PermissionFlags.STREAM) });
    const refusedOne = await joinVoice(user, { camera: true });
    const sources = (await voiceOf(refusedOne.page)).sources;
    const deadline = Date.now() + 5_000;
    let refused: PageVoice['refused'] = [];
    while (Date.now() < deadline && refused.length === 0) {
      refused = (await voiceOf(refusedOne.page)).refused;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toEqual([{ type: 'video', ssrc: sources[0]!.ssrc, code: 50013, message: 'Missing Permissions' }]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await voiceOf(bystander.page)).videos[user.id]).toBeUndefined();
    // op 4 with self_video is taken without it: the voice state says false.
    const seen = refusedOne.gateway.client.waitFor('VOICE_STATE_UPDATE', (d) => d.user_id === user.id && d.self_mute);
    refusedOne.gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: true, self_deaf: false, self_video: true });
    expect((await seen).self_video).toBe(false);
  }, 60_000);

  it('self_video through op 4 shows in VOICE_STATE_UPDATE; the streams end when their owner leaves (op 12 inactive, op 40 inactive)', async () => {
    const seen = viewers[0]!.gateway.client.waitFor('VOICE_STATE_UPDATE', (d) => d.user_id === sender.user.id && d.self_video && d.self_stream === true);
    sender.gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false, self_video: true, self_stream: true });
    await seen;
    const left = viewers[0]!.gateway.client.waitFor('VOICE_STATE_UPDATE', (d) => d.user_id === sender.user.id && d.channel_id === null);
    sender.gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: null, self_mute: false, self_deaf: false });
    await left;
    for (const v of viewers) {
      const deadline = Date.now() + 5_000;
      let voice = await voiceOf(v.page);
      while (Date.now() < deadline && Object.keys(voice.sinks).length > 0) {
        await new Promise((r) => setTimeout(r, 100));
        voice = await voiceOf(v.page);
      }
      expect(voice.sinks).toEqual({});
      expect(voice.videos[sender.user.id]?.streams.every((s) => !s.active)).toBe(true);
    }
  }, 30_000);
});

/** Gaps (capture + arrival) counted at the SFU's ingress so far, per source type. */
function sourceGaps(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of t.server.voice?.node.videoSourceTimings() ?? []) out[s.type] = (out[s.type] ?? 0) + s.captureGaps + s.arrivalGaps;
  return out;
}

async function memberUser(): Promise<TestUser> {
  const u = await registerUser(t);
  const invite = await owner.api.createInvite(channelId, { max_age: 0 });
  await u.api.acceptInvite(invite.code);
  return u;
}
