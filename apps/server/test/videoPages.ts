// The set-up the Chromium video tests share: one page server (the test's page, plus the browser-side
// helpers every video page loads from /voice-page-lib.js), one Chromium with the voice flags, and
// members joined to voice through the gateway whose page has answered and connected. What each page
// records and what each test reads from it stay in the page and the test; this holds the plumbing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayOpcode } from '@concord/protocol';
import { launchChromium, voiceBrowserArgs } from '@concord/testkit';
import type { Browser, Page } from 'playwright-core';
import { connectGateway, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';

/**
 * Browser-side helpers, loaded by the pages with `<script src="voice-page-lib.js">`: the parts a
 * video page does like every other (show a received track, gather the offer, dial the voice gateway
 * and do its handshake, put the test's UDP hop in the answer). Plain string concatenation, not `${}`:
 * this is the page's JavaScript inside a TypeScript template.
 */
export const VOICE_PAGE_LIB = String.raw`'use strict';
/** A received video track in a muted, autoplaying <video> (decoding needs an element to render to). */
function showVideoTrack(e) {
  if (e.track.kind !== 'video') return;
  const el = document.createElement('video');
  el.autoplay = true;
  el.muted = true;
  el.srcObject = new MediaStream([e.track]);
  document.body.append(el);
  el.play().catch(() => undefined);
}

/** The offer with its candidates in it (the voice gateway takes one SDP, no trickle); 2 s at most. */
async function gatheredOffer(pc) {
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((done) => {
      setTimeout(done, 2000);
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    });
  }
  return pc.localDescription.sdp;
}

/**
 * Dials the voice gateway (v8) for window.voice: heartbeats, identifies with video on (op 0) at
 * hello, sends the offer (op 1) at ready; every frame then goes to onFrame (the page's own ops).
 */
function dialVoice(o, offer, onFrame) {
  const v = window.voice;
  let seq = -1;
  let heartbeat = null;
  const ws = new WebSocket('wss://' + o.endpoint + '/?v=8');
  v.ws = ws;
  v.send = (op, d) => ws.send(JSON.stringify({ op, d }));
  ws.onclose = (e) => { v.state = 'closed'; v.closeCode = e.code; clearInterval(heartbeat); };
  ws.onmessage = async (e) => {
    const frame = JSON.parse(e.data);
    if (typeof frame.seq === 'number') seq = frame.seq;
    if (frame.op === 8) {
      heartbeat = setInterval(() => v.send(3, { t: Date.now(), seq_ack: seq }), frame.d.heartbeat_interval);
      v.send(0, { server_id: o.serverId, user_id: o.userId, session_id: o.sessionId, token: o.token, video: true });
    } else if (frame.op === 2) {
      v.ready = frame.d;
      v.send(1, { protocol: 'webrtc', data: offer, sdp: offer });
    }
    await onFrame(frame);
  };
}

/**
 * The answer with the test's UDP hop (window.relayFor, exposed by the test) as its only candidate:
 * the hop forwards to the SFU's port and does to the media what the test wants (loss, a bottleneck).
 */
async function relayedAnswer(sdp) {
  const port = Number(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/.exec(sdp)[1]);
  const relayPort = await window.relayFor(port);
  window.voice.relayed = true;
  return sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:')).join('\r\n')
    .replace(/(a=ice-ufrag:)/, 'a=candidate:1 1 udp 2130706431 127.0.0.1 ' + relayPort + ' typ host\r\n$1');
}
`;

/** A page (as the test's page server serves it) that runs `script` with the lib's functions in scope. */
export function videoPage(title: string, script: string): string {
  return ['<!doctype html>', '<meta charset="utf-8">', `<title>${title}</title>`, '<body>', '<script src="voice-page-lib.js"></script>', '<script>', "'use strict';", script, '</script>', '</body>'].join('\n');
}

/** What every video page keeps in window.voice (each page adds its own). */
export interface PageVoiceBase { state: string; closeCode: number | null; answered: boolean; error: string | null }

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns a value (not undefined) or `ms` pass. */
export async function until<T>(ms: number, f: () => Promise<T | undefined> | T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined || Date.now() > deadline) return v;
    await sleep(100);
  }
}

/** The page's window.videoStats() (its shape is the page's: `S`). */
export const pageStats = <S>(p: Page) => p.evaluate(() => (globalThis as unknown as { videoStats(): Promise<S> }).videoStats());
/** The page's window.sampleFrames(ms): its one video slot sampled for `ms`. */
export const pageSample = <R>(p: Page, ms: number) => p.evaluate((x) => (globalThis as unknown as { sampleFrames(ms: number): Promise<R> }).sampleFrames(x), ms);
/** A voice gateway op from the page. */
export const pageSend = (p: Page, op: number, d: unknown) => p.evaluate(([o, x]) => { (globalThis as unknown as { voice: { send(op: unknown, d: unknown): void } }).voice.send(o, x); }, [op, d] as const);

export interface JoinOptions<V extends PageVoiceBase> {
  /** The test's read of window.voice (also what a failure to connect prints). */
  voiceOf(p: Page): Promise<V>;
  /** Exposed to the page as window.relayFor: makes the UDP hop for an answer's SFU port. */
  relayFor?: (serverPort: number) => Promise<number>;
  /** More than answered and connected (e.g. op 2 seen). */
  ready?: (v: V) => boolean;
}

/** A page server and a Chromium for one test file's members, all in one voice channel. */
export class VideoPages {
  readonly gateways: Recorder[] = [];

  private constructor(
    private readonly t: TestServer,
    private readonly where: { guildId: string; channelId: string },
    private readonly server: http.Server,
    private readonly url: string,
    readonly browser: Browser,
  ) {}

  /** Serves `html` (and the lib) on an ephemeral port and launches Chromium trusting `t`'s voice certificate. */
  static async open(t: TestServer, html: string | Buffer, where: { guildId: string; channelId: string }): Promise<VideoPages> {
    const server = http.createServer((req, res) => {
      if (req.url === '/voice-page-lib.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(VOICE_PAGE_LIB);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`;
    try {
      const browser = await launchChromium({ args: voiceBrowserArgs({ certFile: t.voiceCaFile ?? '' }) });
      return new VideoPages(t, where, server, url, browser);
    } catch (err) {
      server.close();
      throw err;
    }
  }

  /**
   * `user` joins the channel through the gateway (op 4 -> VOICE_SERVER_UPDATE); a new page starts
   * its voice with that and `start` and is returned once answered and connected (20 s at most).
   */
  async join<V extends PageVoiceBase>(user: TestUser, start: Record<string, unknown>, o: JoinOptions<V>): Promise<{ gateway: Recorder; page: Page; voice: V }> {
    const { guildId, channelId } = this.where;
    const gateway = await connectGateway(this.t, user.token, 'json');
    this.gateways.push(gateway);
    const serverUpdate = gateway.client.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId);
    gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false });
    const { token, endpoint } = await serverUpdate;
    const page = await this.browser.newPage();
    const relayFor = o.relayFor;
    if (relayFor) await page.exposeFunction('relayFor', (port: number) => relayFor(port));
    await page.goto(this.url);
    await page.evaluate((x) => (globalThis as unknown as { startVoice(o: unknown): Promise<void> }).startVoice(x), { endpoint, serverId: guildId, userId: user.id, sessionId: gateway.client.session, token, ...start });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [v, s] = [await o.voiceOf(page), await pageStats<{ connectionState: string }>(page)];
      if (v.error !== null || v.state === 'closed') throw new Error(`page voice failed: ${JSON.stringify({ error: v.error, closeCode: v.closeCode })}`);
      if (v.answered && s.connectionState === 'connected' && (o.ready?.(v) ?? true)) return { gateway, page, voice: v };
      if (Date.now() > deadline) throw new Error(`page never connected: ${JSON.stringify({ v, s })}`);
      await sleep(200);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    this.server.close();
    for (const g of this.gateways) g.close();
  }
}

export interface VideoRoom {
  t: TestServer;
  /** The guild's owner (not in voice). */
  owner: TestUser;
  /** The guild's first member. */
  first: TestUser;
  guildId: string;
  channelId: string;
  inviteCode: string;
  pages: VideoPages;
}

/** A test server, a guild with its owner and one member, a voice channel `channelName`, and the pages for it. */
export async function openVideoRoom(channelName: string, html: string | Buffer): Promise<VideoRoom> {
  const t = await startTestServer();
  try {
    const owner = await registerUser(t);
    const first = await registerUser(t);
    const { guild, invite } = await guildWithMember(owner, first);
    const channelId = (await owner.api.createChannel(guild.id, { name: channelName, type: 2 })).id;
    const pages = await VideoPages.open(t, html, { guildId: guild.id, channelId });
    return { t, owner, first, guildId: guild.id, channelId, inviteCode: invite.code, pages };
  } catch (err) {
    await t.close();
    throw err;
  }
}
