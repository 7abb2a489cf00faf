// joinVoiceChannel follows a new VOICE_SERVER_UPDATE for its guild (voice node failover, as
// @discordjs/voice does). The in-process voice node is unregistered from the registry (as a dead
// node would be) and registered again: the server re-grants the members with new tokens, each
// JoinedVoice closes its old VoiceClient, emits 'voiceClient' with a new one at the new grant, and
// speech flows again between the two SDK members on the new clients.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { energyEnvelope, envelopeCorrelation, readWav } from '@concord/media';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame, type VoiceClient } from '@concord/client/voice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('../../../packages/testkit/fixtures/speech-48k-mono.wav', import.meta.url));

let t: TestServer;
const gateways: Recorder[] = [];
let speaker: JoinedVoice;
let listener: JoinedVoice;
let speakerId = '';

beforeAll(async () => {
  t = await startTestServer();
  const owner = await registerUser(t);
  const member = await registerUser(t);
  speakerId = owner.id;
  const { guild } = await guildWithMember(owner, member);
  const channelId = (await owner.api.createChannel(guild.id, { name: 'Lobby', type: 2 })).id;
  const ca = readFileSync(t.voiceCaFile ?? '');
  for (const user of [owner, member]) gateways.push(await connectGateway(t, user.token, 'json'));
  speaker = await joinVoiceChannel(gateways[0]!.client, { guildId: guild.id, channelId, voice: { ca, channels: 1 } });
  listener = await joinVoiceChannel(gateways[1]!.client, { guildId: guild.id, channelId, voice: { ca, channels: 1 } });
}, 30_000);

afterAll(async () => {
  speaker.leave();
  listener.leave();
  for (const g of gateways) g.close();
  await t.close();
});

describe('joinVoiceChannel across a voice server change', () => {
  it('replaces the VoiceClient on a new VOICE_SERVER_UPDATE and carries audio on the new one', async () => {
    const node = t.server.voice?.node;
    if (!node) throw new Error('the test server has no in-process voice node');
    const replaced: { joined: JoinedVoice; voice: VoiceClient; previous: VoiceClient }[] = [];
    let lost = 0;
    for (const joined of [speaker, listener]) {
      joined.on('voiceClient', (voice, previous) => replaced.push({ joined, voice, previous }));
      joined.on('voiceServerLost', () => lost++);
    }
    const oldListenerVoice = listener.voice;
    const startMs = performance.now();
    t.server.voiceNodes.unregister(node);
    t.server.voiceNodes.register(node);
    await eventually(() => replaced.length === 2, 'both members got a new voice client', 10_000);
    expect(lost).toBe(2); // the registry had no node between the two calls: endpoint null first
    expect(oldListenerVoice.state.status).toBe('closed');
    expect(listener.voice).not.toBe(oldListenerVoice);
    expect(replaced.find((r) => r.joined === listener)?.voice).toBe(listener.voice);
    await Promise.all([speaker.voice.waitForReady(), listener.voice.waitForReady()]);
    console.log(`new voice clients ready ${(performance.now() - startMs).toFixed(0)} ms after the node left`);

    const heard: ReceivedFrame[] = [];
    listener.voice.on('audio', (f) => { if (f.userId === speakerId) heard.push(f); });
    const speech = readWav(readFileSync(FIXTURE)).samples.subarray(0, 960 * 100);
    const sent = await speaker.voice.play(speech);
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.length).toBeGreaterThan(sent * 0.9);
    const received = new Int16Array(heard.length * 960);
    heard.forEach((f, i) => received.set(f.pcm, i * 960));
    const match = envelopeCorrelation(energyEnvelope(speech), energyEnvelope(received), 25);
    console.log(`after the change: ${heard.length}/${sent} frames heard, r=${match.correlation.toFixed(3)}`);
    expect(match.correlation).toBeGreaterThanOrEqual(0.8);
  }, 30_000);
});
