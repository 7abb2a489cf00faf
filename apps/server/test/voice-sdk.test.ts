// The SDK's headless VoiceClient against a real server: three members join one voice channel with
// op 4 (VOICE_SERVER_UPDATE -> TLS voice gateway -> IP discovery -> AES-GCM rtpsize). One plays the
// speech fixture; a lossless receiver's energy envelope must follow the speech, and a receiver with
// 10% seeded incoming loss must conceal the gaps and still follow it. Then self mute (the SFU stops
// forwarding), self deafen (nothing reaches the deafened member), a dropped voice socket resumed
// with op 7, and leaving the channel (4014: final, no reconnect).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { energyEnvelope, envelopeCorrelation, readWav, type PcmAudio } from '@concord/media';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame } from '@concord/client/voice';
import { GatewayOpcode } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('../../../packages/testkit/fixtures/speech-48k-mono.wav', import.meta.url));

let t: TestServer;
let speech: PcmAudio;
let guildId: string;
let channelId: string;
let speakerUser: TestUser;
const gateways: Recorder[] = [];
let speaker: JoinedVoice;
let listener: JoinedVoice;
let lossy: JoinedVoice;
const heardBy = new Map<JoinedVoice, ReceivedFrame[]>();

async function join(user: TestUser, loss?: number): Promise<JoinedVoice> {
  const gw = await connectGateway(t, user.token, 'json');
  gateways.push(gw);
  const joined = await joinVoiceChannel(gw.client, {
    guildId, channelId,
    voice: { ca: readFileSync(t.voiceCaFile ?? ''), channels: 1, ...(loss === undefined ? {} : { loss: { incoming: { percent: loss, seed: 7 } } }) },
  });
  const frames: ReceivedFrame[] = [];
  heardBy.set(joined, frames);
  joined.voice.on('audio', (f) => frames.push(f));
  return joined;
}

/** Received PCM from one user, frames concatenated in playout order. */
function pcmFrom(frames: readonly ReceivedFrame[], userId: string): Int16Array {
  const own = frames.filter((f) => f.userId === userId);
  const out = new Int16Array(own.length * 960);
  own.forEach((f, i) => out.set(f.pcm, i * 960));
  return out;
}

const mediaPackets = (j: JoinedVoice) => j.voice.stats().received.media;

beforeAll(async () => {
  speech = readWav(readFileSync(FIXTURE));
  t = await startTestServer();
  const owner = await registerUser(t);
  speakerUser = await registerUser(t);
  const listenerUser = await registerUser(t);
  const lossyUser = await registerUser(t);
  const { guild, invite } = await guildWithMember(owner, speakerUser);
  await listenerUser.api.acceptInvite(invite.code);
  await lossyUser.api.acceptInvite(invite.code);
  guildId = guild.id;
  channelId = (await owner.api.createChannel(guild.id, { name: 'Lobby', type: 2 })).id;
  speaker = await join(speakerUser);
  listener = await join(listenerUser);
  lossy = await join(lossyUser, 10);
}, 30_000);

afterAll(async () => {
  for (const j of [speaker, listener, lossy]) j.voice.close();
  for (const g of gateways) g.close();
  await t.close();
});

describe('SDK voice client over the real SFU', () => {
  it('a played speech fixture reaches a listener whose energy envelope correlates >= 0.8', async () => {
    expect(speech.sampleRate).toBe(48_000);
    const sent = await speaker.voice.play(speech.samples);
    expect(sent).toBe(Math.ceil(speech.samples.length / 960));
    await new Promise((r) => setTimeout(r, 300)); // the jitter buffers drain
    const received = pcmFrom(heardBy.get(listener) ?? [], speakerUser.id);
    expect(received.length).toBeGreaterThan(speech.samples.length * 0.9);
    const match = envelopeCorrelation(energyEnvelope(speech.samples), energyEnvelope(received), 25);
    expect(match.correlation).toBeGreaterThanOrEqual(0.8);
    const stream = listener.voice.stats().streams.find((s) => s.userId === speakerUser.id);
    expect(stream?.packetsReceived).toBeGreaterThanOrEqual(sent);
    expect(listener.voice.stats().received.badKey).toBe(0);
  }, 20_000);

  it('with 10% incoming loss the receiver conceals the lost frames and still correlates', () => {
    const s = lossy.voice.stats();
    expect(s.received.droppedByInjector).toBeGreaterThan(0);
    const stream = s.streams.find((x) => x.userId === speakerUser.id);
    expect(stream).toBeDefined();
    expect((stream?.concealedFrames ?? 0) + (stream?.fecRecoveredFrames ?? 0)).toBeGreaterThan(0);
    expect(stream?.packetsLost).toBeGreaterThan(0);
    const received = pcmFrom(heardBy.get(lossy) ?? [], speakerUser.id);
    const match = envelopeCorrelation(energyEnvelope(speech.samples), energyEnvelope(received), 25);
    expect(match.correlation).toBeGreaterThanOrEqual(0.8);
  });

  it('self mute (op 4) stops the SFU forwarding the speaker; unmuting restores it', async () => {
    const ownState = (gw: Recorder, selfMute: boolean) => gw.of('VOICE_STATE_UPDATE').some((d: { user_id: string; self_mute: boolean }) => d.user_id === speakerUser.id && d.self_mute === selfMute);
    const speakerGw = gateways[0]!;
    speaker.setSelfFlags({ selfMute: true });
    await eventually(() => ownState(speakerGw, true), 'self mute applied');
    const before = mediaPackets(listener);
    await speaker.voice.play(speech.samples.subarray(0, 960 * 15));
    await new Promise((r) => setTimeout(r, 200));
    expect(mediaPackets(listener)).toBe(before);
    speaker.setSelfFlags({ selfMute: false });
    await eventually(() => ownState(speakerGw, false), 'unmute applied');
    await speaker.voice.play(speech.samples.subarray(0, 960 * 15));
    await eventually(() => mediaPackets(listener) >= before + 15, 'media flows after unmute');
  }, 15_000);

  it('self deafen (op 4) stops forwarding to the deafened member only', async () => {
    listener.setSelfFlags({ selfDeaf: true });
    const listenerGw = gateways[1]!;
    await eventually(() => listenerGw.of('VOICE_STATE_UPDATE').some((d: { self_deaf: boolean; session_id: string }) => d.self_deaf && d.session_id === listenerGw.client.session), 'self deaf applied');
    const deafBefore = mediaPackets(listener);
    const otherBefore = mediaPackets(lossy);
    await speaker.voice.play(speech.samples.subarray(0, 960 * 15));
    await eventually(() => mediaPackets(lossy) >= otherBefore + 10, 'the other member still hears');
    expect(mediaPackets(listener)).toBe(deafBefore);
    listener.setSelfFlags({ selfDeaf: false });
  }, 15_000);

  it('resumes (op 7) after the voice gateway socket drops and keeps receiving on the same UDP socket', async () => {
    const before = mediaPackets(lossy);
    lossy.voice.dropConnection();
    await eventually(() => lossy.voice.stats().resumes === 1 && lossy.voice.state.status === 'ready', 'resumed', 10_000);
    await speaker.voice.play(speech.samples.subarray(0, 960 * 15));
    await eventually(() => mediaPackets(lossy) >= before + 10, 'media after resume');
  }, 15_000);

  it('leaving the channel closes the voice connection with 4014 and does not reconnect', async () => {
    const lossyGw = gateways[2]!;
    lossyGw.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: null, self_mute: false, self_deaf: false });
    await eventually(() => lossy.voice.state.status === 'closed', 'voice closed');
    expect(lossy.voice.state).toMatchObject({ status: 'closed', code: 4014 });
    await new Promise((r) => setTimeout(r, 300));
    expect(lossy.voice.state.status).toBe('closed');
  });
});
