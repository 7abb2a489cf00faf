// Who watches a Go Live stream (op 42), end to end through the TLS voice gateway: werift peers play
// the browsers (the streamer with a sendonly video m-line, viewers with recvonly video slots). The
// room, streamer included, hears the whole viewer list each time it changes (op 15 on and off, a
// viewer leaving voice); a joiner hears the current list at once; a camera being watched, or a
// stream ending, sends no op 42.
import { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, useSdesMid } from 'werift';
import { GatewayOpcode, VoiceOpcode, VoiceStreamViewersData } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepCandidates } from '../src/voice/webrtc/iceOptions.ts';
import { RawVoiceClient } from './voice-gatewayClient.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';

interface Browser { user: TestUser; gateway: Recorder; voice: RawVoiceClient; pc: RTCPeerConnection | null; heartbeat: ReturnType<typeof setInterval>; offer: string }

let t: TestServer;
let guildId: string;
let channelId: string;
const browsers: Browser[] = [];

/** Joins voice on the main gateway, identifies on the voice gateway and, unless `identifyOnly`, connects a werift peer. */
async function join(user: TestUser, o: { sendVideo?: boolean; videoSlots?: number; identifyOnly?: boolean }): Promise<Browser> {
  const gateway = await connectGateway(t, user.token, 'json');
  const serverUpdate = gateway.client.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId);
  gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false });
  const { token } = await serverUpdate;
  const voice = RawVoiceClient.connect(t.server.voice?.node.gatewayPort ?? 0, t.voiceCaFile ?? '');
  await voice.opened;
  voice.send(VoiceOpcode.Identify, { server_id: guildId, user_id: user.id, session_id: gateway.client.session, token, video: true });
  await voice.next(VoiceOpcode.Ready);
  let beat = 0;
  const heartbeat = setInterval(() => voice.send(VoiceOpcode.Heartbeat, { t: ++beat, seq_ack: voice.lastSeq }), 2000);
  const b: Browser = { user, gateway, voice, pc: null, heartbeat, offer: '' };
  browsers.push(b);
  if (o.identifyOnly) return b;
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111 })],
      video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] })],
    },
    headerExtensions: { audio: [useSdesMid()], video: [useSdesMid()] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
  b.pc = pc;
  pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
  if (o.sendVideo) pc.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
  for (let i = 0; i < (o.videoSlots ?? 0); i++) pc.addTransceiver('video', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await eventually(() => pc.iceGatheringState === 'complete', 'client ICE gathering');
  b.offer = keepCandidates(pc.localDescription?.sdp ?? '', new Set(['127.0.0.1']));
  voice.send(VoiceOpcode.SelectProtocol, { protocol: 'webrtc', data: b.offer, sdp: b.offer });
  const answer = String((await voice.next(VoiceOpcode.SessionDescription, () => true, 15_000)).d.sdp);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await eventually(() => pc.connectionState === 'connected', 'DTLS connected', 15_000);
  return b;
}

/** The SSRC of the offer's video m-line (what the browser sends its screen with). */
function videoSsrcOf(offer: string): number {
  const section = offer.split(/\r?\n(?=m=)/).find((m) => m.startsWith('m=video') && /a=sendonly/.test(m));
  const line = section?.match(/^a=ssrc:(\d+) /m);
  if (!line) throw new Error('no video SSRC in the offer');
  return Number(line[1]);
}

/** Every op 42 this browser got, parsed with the protocol's schema (a malformed one fails the test). */
const viewerFrames = (b: Browser) => b.voice.of(VoiceOpcode.StreamViewers).map((f) => VoiceStreamViewersData.parse(f.d));
const lastViewers = (b: Browser) => viewerFrames(b).at(-1)?.viewer_ids;
const sorted = (...users: TestUser[]) => users.map((u) => u.id).sort();

beforeAll(async () => {
  t = await startTestServer();
}, 30_000);

afterAll(async () => {
  for (const b of browsers) {
    clearInterval(b.heartbeat);
    b.voice.close();
    await b.pc?.close();
    b.gateway.close();
  }
  await t.close();
});

describe('op 42: who watches a Go Live stream', () => {
  it('tells the room and the streamer every change of the viewer list, and a joiner the current one', async () => {
    const owner = await registerUser(t);
    const [streamerUser, benUser, cleoUser, danUser] = [await registerUser(t), await registerUser(t), await registerUser(t), await registerUser(t)];
    const { guild, invite } = await guildWithMember(owner, streamerUser);
    for (const u of [benUser, cleoUser, danUser]) await u.api.acceptInvite(invite.code);
    guildId = guild.id;
    channelId = (await owner.api.createChannel(guild.id, { name: 'Stage', type: 2 })).id;

    const streamer = await join(streamerUser, { sendVideo: true });
    const ben = await join(benUser, { videoSlots: 2 });
    const cleo = await join(cleoUser, { videoSlots: 2 });
    const screenSsrc = videoSsrcOf(streamer.offer);
    streamer.voice.send(VoiceOpcode.Video, { audio_ssrc: 0, video_ssrc: 0, streams: [{ type: 'screen', ssrc: screenSsrc, active: true }] });
    for (const v of [ben, cleo]) await v.voice.next(VoiceOpcode.Video, (f) => f.d.user_id === streamerUser.id);
    // Announced but nobody watches yet: no list.
    expect(viewerFrames(streamer)).toEqual([]);

    ben.voice.send(VoiceOpcode.MediaSinkWants, { [String(screenSsrc)]: 100 });
    for (const b of [streamer, ben, cleo]) await eventually(() => lastViewers(b)?.join() === sorted(benUser).join(), `ben as the viewer at ${b.user.id}`);
    expect(viewerFrames(streamer)[0]).toEqual({ user_id: streamerUser.id, ssrc: screenSsrc, viewer_ids: [benUser.id] });
    // The server forwards to ben's slot: op 40 and op 42 agree.
    await ben.voice.next(VoiceOpcode.VideoSink, (f) => f.d.ssrc === screenSsrc && f.d.active === true);

    cleo.voice.send(VoiceOpcode.MediaSinkWants, { any: 100 });
    await eventually(() => lastViewers(streamer)?.join() === sorted(benUser, cleoUser).join(), 'ben and cleo as viewers');

    // A joiner hears who watches right away, without anyone changing anything.
    const dan = await join(danUser, { identifyOnly: true });
    await eventually(() => lastViewers(dan)?.join() === sorted(benUser, cleoUser).join(), 'the list at join');

    // Wants that repeat the same list send nothing new.
    const before = viewerFrames(streamer).length;
    cleo.voice.send(VoiceOpcode.MediaSinkWants, { [String(screenSsrc)]: 100 });
    ben.voice.send(VoiceOpcode.MediaSinkWants, { any: 0 });
    await eventually(() => lastViewers(streamer)?.join() === sorted(cleoUser).join(), 'ben stopped watching');
    expect(viewerFrames(streamer).length).toBe(before + 1);
    expect(lastViewers(dan)).toEqual([cleoUser.id]);

    // Cleo leaves voice: the list empties.
    cleo.gateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: null, self_mute: false, self_deaf: false });
    await eventually(() => lastViewers(streamer)?.length === 0, 'cleo gone from the list');

    // A stream that ends goes with its list: op 12 inactive, no op 42 for it.
    ben.voice.send(VoiceOpcode.MediaSinkWants, { any: 100 });
    await eventually(() => lastViewers(streamer)?.join() === sorted(benUser).join(), 'ben watching again');
    const count = viewerFrames(dan).length;
    streamer.voice.send(VoiceOpcode.Video, { audio_ssrc: 0, video_ssrc: 0, streams: [] });
    await dan.voice.next(VoiceOpcode.Video, (f) => f.d.user_id === streamerUser.id && (f.d.streams as { active: boolean }[]).every((s) => !s.active));
    await ben.voice.next(VoiceOpcode.VideoSink, (f) => f.d.ssrc === screenSsrc && f.d.active === false);
    await new Promise((r) => setTimeout(r, 100));
    expect(viewerFrames(dan).length).toBe(count);
  }, 90_000);

  it('sends no op 42 for cameras', async () => {
    const cam = browsers[0];
    const ben = browsers[1];
    if (!cam || !ben) throw new Error('first test did not run');
    const cameraSsrc = videoSsrcOf(cam.offer);
    const before = viewerFrames(cam).length;
    cam.voice.send(VoiceOpcode.Video, { audio_ssrc: 0, video_ssrc: cameraSsrc, streams: [{ type: 'video', ssrc: cameraSsrc, active: true }] });
    await ben.voice.next(VoiceOpcode.VideoSink, (f) => f.d.ssrc === cameraSsrc && f.d.type === 'video' && f.d.active === true);
    await new Promise((r) => setTimeout(r, 100));
    expect(viewerFrames(cam).length).toBe(before);
  }, 30_000);
});
