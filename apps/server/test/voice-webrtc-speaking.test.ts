// Which user is on which receive slot, end to end: a werift peer plays the browser through the TLS
// voice gateway (select protocol 'webrtc', one recvonly m-line), two SDK clients speak in turns over
// UDP. The browser must get op 5 naming its slot's SSRC (the answer's a=ssrc, the RTP's) and the
// speaker's user id before that speaker's first packet on the slot, speaking 0 when the slot is
// handed on, and never a UDP SSRC; the UDP clients keep getting each other's UDP SSRCs.
import fs from 'node:fs';
import { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, useSdesMid } from 'werift';
import { joinVoiceChannel, type JoinedVoice } from '@concord/client/voice';
import { GatewayOpcode, VoiceOpcode } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT_IDLE_MS } from '../src/voice/webrtc/ReceiveSlots.ts';
import { keepCandidates } from '../src/voice/webrtc/iceOptions.ts';
import { RawVoiceClient } from './voice-gatewayClient.ts';
import { connectGateway, eventually, guildWithMember, registerUser, type Recorder, type TestServer, type TestUser, startTestServer } from './harness.ts';

/** What the browser saw, in arrival order: op 5 frames and RTP packets on its receive slot. */
type Seen = { kind: 'op5'; userId: string; ssrc: number; speaking: number } | { kind: 'rtp'; ssrc: number; speakerTag: number; n: number };

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;
let aliceVoice: JoinedVoice;
let bobVoice: JoinedVoice;
let pc: RTCPeerConnection;
let voiceSocket: RawVoiceClient;
let answerSdp = '';
let heartbeat: ReturnType<typeof setInterval> | undefined;
const gateways: Recorder[] = [];
const seen: Seen[] = [];
/** op 5 the UDP clients got: [listener, userId, ssrc]. */
const udpSpeaking: [string, string, number][] = [];

const ALICE_TAG = 0xa1;
const BOB_TAG = 0xb0;
/** A made-up Opus packet whose 4th byte says who sent it and 5th which one. */
const opus = (tag: number, n: number) => Uint8Array.from([0xfc, 0xff, 0xfe, tag, n & 0xff]);

beforeAll(async () => {
  t = await startTestServer();
  const owner = await registerUser(t);
  alice = await registerUser(t);
  bob = await registerUser(t);
  viewer = await registerUser(t);
  const { guild, invite } = await guildWithMember(owner, alice);
  await bob.api.acceptInvite(invite.code);
  await viewer.api.acceptInvite(invite.code);
  const channelId = (await owner.api.createChannel(guild.id, { name: 'Lobby', type: 2 })).id;
  const ca = t.voiceCaFile ?? '';

  for (const [user, set] of [[alice, (v: JoinedVoice) => { aliceVoice = v; }], [bob, (v: JoinedVoice) => { bobVoice = v; }]] as const) {
    const gw = await connectGateway(t, user.token, 'json');
    gateways.push(gw);
    const joined = await joinVoiceChannel(gw.client, { guildId: guild.id, channelId, voice: { ca: fs.readFileSync(ca), channels: 1 } });
    joined.voice.on('speaking', (userId, ssrc) => udpSpeaking.push([user.id, userId, ssrc]));
    set(joined);
  }

  // The viewer's main gateway runs here; its voice side is the werift "browser".
  const gw = await connectGateway(t, viewer.token, 'json');
  gateways.push(gw);
  const serverUpdate = gw.client.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guild.id);
  gw.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: channelId, self_mute: false, self_deaf: false });
  const { token } = await serverUpdate;
  voiceSocket = RawVoiceClient.connect(t.server.voice?.node.gatewayPort ?? 0, ca);
  voiceSocket.ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const f = JSON.parse(text) as { op: number; d: { user_id: string; ssrc: number; speaking: number } };
    if (f.op === VoiceOpcode.Speaking) seen.push({ kind: 'op5', userId: f.d.user_id, ssrc: f.d.ssrc, speaking: f.d.speaking });
  });
  await voiceSocket.opened;
  voiceSocket.send(VoiceOpcode.Identify, { server_id: guild.id, user_id: viewer.id, session_id: gw.client.session, token });
  await voiceSocket.next(VoiceOpcode.Ready);
  let beat = 0;
  heartbeat = setInterval(() => { voiceSocket.send(VoiceOpcode.Heartbeat, { t: ++beat, seq_ack: voiceSocket.lastSeq }); }, 2000);

  pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 109 })] },
    headerExtensions: { audio: [useSdesMid()] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
  pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
  const slot = pc.addTransceiver('audio', { direction: 'recvonly' });
  slot.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => {
    seen.push({ kind: 'rtp', ssrc: rtp.header.ssrc, speakerTag: rtp.payload[3] ?? -1, n: rtp.payload[4] ?? -1 });
  }));
  await pc.setLocalDescription(await pc.createOffer());
  await eventually(() => pc.iceGatheringState === 'complete', 'client ICE gathering');
  const offer = keepCandidates(pc.localDescription?.sdp ?? '', new Set(['127.0.0.1']));
  voiceSocket.send(VoiceOpcode.SelectProtocol, { protocol: 'webrtc', data: offer, sdp: offer });
  answerSdp = String((await voiceSocket.next(VoiceOpcode.SessionDescription, () => true, 15_000)).d.sdp);
  await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  await eventually(() => pc.connectionState === 'connected', 'browser DTLS connected', 15_000);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  voiceSocket.close();
  await pc.close();
  aliceVoice.voice.close();
  bobVoice.voice.close();
  for (const g of gateways) g.close();
  await t.close();
});

/** The SSRC the answer declares (a=ssrc) for the m-line of mid `mid`. */
function answerSsrcOf(mid: string): number | undefined {
  const section = answerSdp.split(/\r?\n(?=m=)/).find((m) => new RegExp(`^a=mid:${mid}\r?$`, 'm').test(m));
  const line = section?.match(/^a=ssrc:(\d+) /m);
  return line ? Number(line[1]) : undefined;
}

async function talk(who: JoinedVoice, tag: number, frames: number): Promise<void> {
  for (let i = 0; i < frames; i++) {
    who.voice.sendOpus(opus(tag, i));
    await new Promise((r) => setTimeout(r, 20));
  }
}

const rtpOf = (tag: number) => seen.filter((s): s is Extract<Seen, { kind: 'rtp' }> => s.kind === 'rtp' && s.speakerTag === tag);

describe('op 5 for a WebRTC session names its receive slots', () => {
  it('maps the slot SSRC to whoever is on it before their packets, and releases it with speaking 0', async () => {
    const userOfTag = new Map([[ALICE_TAG, alice.id], [BOB_TAG, bob.id]]);
    // Turns on the one slot: alice, bob (after alice was idle long enough), alice again.
    const turns = [[aliceVoice, ALICE_TAG], [bobVoice, BOB_TAG], [aliceVoice, ALICE_TAG]] as const;
    for (const [i, [who, tag]] of turns.entries()) {
      const before = rtpOf(tag).length;
      await talk(who, tag, 10);
      await eventually(() => rtpOf(tag).length >= before + 8, `turn ${String(i)} at the browser`, 5000);
      // No endSpurt (no speaking 0 from the client, none again when it resumes): every speaking 0
      // and the mapping for alice's second turn can only come from the slot handovers.
      await new Promise((r) => setTimeout(r, SLOT_IDLE_MS + 300));
    }

    const slotSsrc = answerSsrcOf(pc.getTransceivers()[1]?.mid ?? '1');
    expect(slotSsrc).toBeGreaterThan(0);
    const rtp = seen.filter((s) => s.kind === 'rtp');
    expect(new Set(rtp.map((p) => p.ssrc))).toEqual(new Set([slotSsrc]));
    // Each packet's SSRC was last mapped (speaking, before it arrived) to the user whose audio it is.
    const owner = new Map<number, string | null>();
    let checked = 0;
    for (const s of seen) {
      if (s.kind === 'op5') owner.set(s.ssrc, s.speaking !== 0 ? s.userId : null);
      else if (s.speakerTag === ALICE_TAG || s.speakerTag === BOB_TAG) {
        expect(owner.get(s.ssrc), `packet ${String(s.n)} of ${String(s.speakerTag)}`).toBe(userOfTag.get(s.speakerTag));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(24);

    // On the slot: alice, released, bob, released, alice (each handover says speaking 0 first).
    const onSlot = seen.filter((s) => s.kind === 'op5' && s.ssrc === slotSsrc).map((s) => (s.kind === 'op5' ? `${s.userId === alice.id ? 'alice' : s.userId === bob.id ? 'bob' : s.userId}:${s.speaking === 0 ? 0 : 1}` : ''));
    expect(onSlot).toEqual(['alice:1', 'alice:0', 'bob:1', 'bob:0', 'alice:1']);
    // The browser never sees a UDP SSRC: only its slot's, or 0 for a speaker it has no slot for.
    const udpSsrcs = new Set([aliceVoice.voice.ownSsrc, bobVoice.voice.ownSsrc]);
    for (const s of seen) if (s.kind === 'op5') expect(udpSsrcs.has(s.ssrc), JSON.stringify(s)).toBe(false);
    expect(seen.every((s) => s.kind !== 'op5' || s.ssrc === slotSsrc || s.ssrc === 0)).toBe(true);

    // UDP clients: op 5 still carries the speaker's UDP SSRC (what @discordjs/voice maps audio by).
    expect(udpSpeaking).toContainEqual([alice.id, bob.id, bobVoice.voice.ownSsrc]);
    expect(udpSpeaking).toContainEqual([bob.id, alice.id, aliceVoice.voice.ownSsrc]);
    expect(udpSpeaking.every(([, userId, ssrc]) => ssrc === (userId === alice.id ? aliceVoice.voice.ownSsrc : userId === bob.id ? bobVoice.voice.ownSsrc : ssrc))).toBe(true);
  }, 30_000);
});
