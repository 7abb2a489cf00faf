// The WebRTC side of the SFU without a browser: a werift peer plays the browser (one sendonly
// microphone m-line, two recvonly ones) against WebRtcMedia over real loopback UDP, and a raw UDP
// voice client sits in the same room. Checks the payload-type and SSRC mapping both ways, that a
// receive slot continues its stream when another speaker takes it, slot-owner reports (SSRC as the
// browser sees it; freed on move), and cleanup on remove.
import { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, RtpHeader, RtpPacket, useSdesMid } from 'werift';
import { VOICE_OPUS_PAYLOAD_TYPE } from '@concord/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UdpMediaServer } from '../src/voice/udp/UdpMediaServer.ts';
import { iceOptionsFor, keepCandidates } from '../src/voice/webrtc/iceOptions.ts';
import { WebRtcMedia } from '../src/voice/webrtc/WebRtcMedia.ts';
import { settle, VoiceUdpTestClient, waitFor } from './voice-udpClient.ts';

let udp: UdpMediaServer;
let media: WebRtcMedia;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  udp = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
  media = new WebRtcMedia(udp, iceOptionsFor({ host: '127.0.0.1', publicIp: '127.0.0.1', udpPort: 0, udpPortMax: null }));
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await media.close();
});

interface FakeBrowser {
  pc: RTCPeerConnection;
  mic: MediaStreamTrack;
  /** Packets received per receive m-line (index 0 = the first recvonly one). */
  heard: RtpPacket[][];
}

/** A werift peer that offers like the test page does, on loopback only. */
async function browser(ssrc: number, receiveSlots = 2): Promise<FakeBrowser> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 109 })] },
    headerExtensions: { audio: [useSdesMid()] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
  closers.push(() => pc.close());
  const mic = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(mic, { direction: 'sendonly' });
  const heard: RtpPacket[][] = [];
  for (let i = 0; i < receiveSlots; i++) {
    const packets: RtpPacket[] = [];
    heard.push(packets);
    const t = pc.addTransceiver('audio', { direction: 'recvonly' });
    t.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => packets.push(rtp.clone())));
  }
  await pc.setLocalDescription(await pc.createOffer());
  await waitFor(() => pc.iceGatheringState === 'complete', 5000, 'client ICE gathering');
  const offer = keepCandidates(pc.localDescription?.sdp ?? '', new Set(['127.0.0.1']));
  const answer = await media.answerWebRtc(ssrc, offer);
  expect(answer).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
  expect(answer).not.toMatch(/a=candidate:\S+ 1 udp \d+ (?!127\.0\.0\.1 )/);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await waitFor(() => pc.connectionState === 'connected' && media.peerOf(ssrc)?.connectionState === 'connected', 10_000, 'DTLS connected');
  return { pc, mic, heard };
}

const opus = (n: number) => Buffer.from([0xfc, 0xff, 0xfe, n & 0xff, (n >> 8) & 0xff]);

describe('WebRTC participant in the SFU (werift as the browser)', () => {
  it('maps the browser microphone (PT 109, its own SSRC) to PT 120 and the SSRC the participant was given', async () => {
    const b = media.add({ userId: 'browser', roomId: 'room' });
    const listener = await VoiceUdpTestClient.join(udp, 'room');
    closers.push(() => listener.close());
    const fake = await browser(b.ssrc);
    for (let i = 0; i < 20; i++) {
      fake.mic.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 109, sequenceNumber: 1000 + i, timestamp: 5000 + i * 960, ssrc: 0x1234 }), opus(i)));
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => listener.media.length >= 18, 5000, 'media at the UDP client');
    const first = listener.media[0]!;
    expect(first.ssrc).toBe(b.ssrc);
    expect(first.header[1]! & 0x7f).toBe(VOICE_OPUS_PAYLOAD_TYPE);
    expect(listener.media.map((m) => m.opus[3])).toEqual(expect.arrayContaining([0, 5, 10, 19]));
    expect(media.stats().webrtc).toMatchObject({ peers: 1, answers: 1 });
    expect(media.stats().webrtc.fromBrowser).toBeGreaterThanOrEqual(18);
  }, 20_000);

  it('plays UDP speakers to the browser on its receive slots with the negotiated PT, one continuous stream per slot', async () => {
    const b = media.add({ userId: 'browser', roomId: 'room' });
    const alice = await VoiceUdpTestClient.join(udp, 'room');
    const bob = await VoiceUdpTestClient.join(udp, 'room');
    closers.push(() => alice.close(), () => bob.close());
    const fake = await browser(b.ssrc, 1);
    for (let i = 0; i < 10; i++) { alice.sendOpus(opus(i)); await new Promise((r) => setTimeout(r, 5)); }
    await waitFor(() => (fake.heard[0]?.length ?? 0) >= 9, 5000, 'alice at the browser');
    // One slot, alice just spoke: bob is dropped until alice has been idle for SLOT_IDLE_MS.
    bob.sendOpus(opus(100));
    await waitFor(() => media.stats().webrtc.toBrowserDropped >= 1, 2000, 'bob dropped while the slot is busy');
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 10; i++) { bob.sendOpus(opus(200 + i)); await new Promise((r) => setTimeout(r, 5)); }
    await waitFor(() => fake.heard[0]!.some((p) => p.payload[3] === 209), 5000, 'bob at the browser');
    const slot = fake.heard[0]!;
    expect(new Set(slot.map((p) => p.header.payloadType))).toEqual(new Set([109]));
    expect(new Set(slot.map((p) => p.header.ssrc)).size).toBe(1);
    // Sequence numbers keep counting across the speaker change; the timestamp moves forward.
    const handover = slot.findIndex((p) => p.payload[3] === 200);
    expect(handover).toBeGreaterThan(0);
    const before = slot[handover - 1]!.header;
    const after = slot[handover]!.header;
    expect(after.sequenceNumber).toBe((before.sequenceNumber + 1) & 0xffff);
    expect(((after.timestamp - before.timestamp) >>> 0)).toBeGreaterThanOrEqual(48 * 1000);
    expect(((after.timestamp - before.timestamp) >>> 0)).toBeLessThan(48 * 3000);
  }, 20_000);

  it('follows the participant: mute drops its microphone, deaf stops its sink, move changes its room', async () => {
    const b = media.add({ userId: 'browser', roomId: 'room' });
    const alice = await VoiceUdpTestClient.join(udp, 'room');
    const carol = await VoiceUdpTestClient.join(udp, 'other');
    closers.push(() => alice.close(), () => carol.close());
    const fake = await browser(b.ssrc, 1);
    let seq = 0;
    const speak = async (n: number) => {
      for (let i = 0; i < n; i++) {
        seq++;
        fake.mic.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 109, sequenceNumber: seq, timestamp: seq * 960, ssrc: 1 }), opus(seq)));
        await settle(3);
      }
    };
    media.setFlags(b.ssrc, { canSend: false, deaf: true });
    await speak(5);
    alice.sendOpus(opus(1));
    await settle(300);
    expect(alice.media.length).toBe(0);
    expect(fake.heard[0]!.length).toBe(0);
    expect(media.stats().webrtc.fromBrowserDropped).toBeGreaterThanOrEqual(4);
    media.setFlags(b.ssrc, { canSend: true, deaf: false });
    media.move(b.ssrc, 'other');
    await speak(5);
    alice.sendOpus(opus(2));
    carol.sendOpus(opus(3));
    await waitFor(() => carol.media.length >= 4 && fake.heard[0]!.length >= 1, 5000, 'media in the new room');
    await settle(200);
    expect(alice.media.length).toBe(0);
    expect(fake.heard[0]!.map((p) => p.payload[3])).toEqual([3]);
    expect(carol.media.every((m) => m.ssrc === b.ssrc)).toBe(true);
  }, 20_000);

  it('reports who is on which receive slot (the SSRC the browser sees), and frees the slots when the browser moves', async () => {
    const viewer = media.add({ userId: 'viewer', roomId: 'room' });
    const speaker = media.add({ userId: 'speaker', roomId: 'room' });
    const events: string[] = [];
    media.onReceiveSlot((c) => events.push(`${String(c.viewerSsrc)}>${c.speakerUserId}@${String(c.slotSsrc)}:${c.held ? 'held' : 'free'}`));
    const heardBy = await browser(viewer.ssrc, 1);
    const talker = await browser(speaker.ssrc, 1);
    const slotSsrc = media.peerOf(viewer.ssrc)?.slotSsrcs()[0] ?? -1;
    expect(media.receiveSlotOf(viewer.ssrc, speaker.ssrc)).toBe(0);
    expect(media.receiveSlotOf(12345, speaker.ssrc)).toBeUndefined();
    for (let i = 0; i < 5; i++) {
      talker.mic.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 109, sequenceNumber: i, timestamp: i * 960, ssrc: 7 }), opus(i)));
      await settle(5);
    }
    await waitFor(() => heardBy.heard[0]!.length >= 4, 5000, 'speaker at the viewer');
    expect(new Set(heardBy.heard[0]!.map((p) => p.header.ssrc))).toEqual(new Set([slotSsrc]));
    expect(media.receiveSlotOf(viewer.ssrc, speaker.ssrc)).toBe(slotSsrc);
    expect(events).toEqual([`${String(viewer.ssrc)}>speaker@${String(slotSsrc)}:held`]);
    media.move(viewer.ssrc, 'other');
    expect(events.slice(1)).toEqual([`${String(viewer.ssrc)}>speaker@${String(slotSsrc)}:free`]);
    expect(media.receiveSlotOf(viewer.ssrc, speaker.ssrc)).toBe(0);
  }, 30_000);

  it('remove() closes the browser connection and takes it out of the room', async () => {
    const b = media.add({ userId: 'browser', roomId: 'room' });
    const alice = await VoiceUdpTestClient.join(udp, 'room');
    closers.push(() => alice.close());
    const fake = await browser(b.ssrc, 1);
    const peer = media.peerOf(b.ssrc);
    alice.sendOpus(opus(1));
    await waitFor(() => fake.heard[0]!.length === 1, 5000, 'first packet');
    media.remove(b.ssrc);
    expect(media.peerOf(b.ssrc)).toBeUndefined();
    expect(media.stats().webrtc.peers).toBe(0);
    await waitFor(() => peer?.connectionState === 'closed', 5000, 'server side closed');
    const forwardedBefore = udp.stats().forwarded;
    for (let i = 0; i < 5; i++) alice.sendOpus(opus(i));
    await settle(200);
    expect(udp.stats().forwarded).toBe(forwardedBefore);
    expect(fake.heard[0]!.length).toBe(1);
  }, 30_000);

  it('rejects an offer that is not SDP and counts it', async () => {
    const b = media.add({ userId: 'browser', roomId: 'room' });
    await expect(media.answerWebRtc(b.ssrc, 'not sdp at all')).rejects.toThrow();
    await expect(media.answerWebRtc(12345, 'v=0')).rejects.toThrow(/unknown participant/);
    expect(media.stats().webrtc.answerFailures).toBe(1);
  });
});
