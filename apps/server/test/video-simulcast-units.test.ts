// The simulcast pieces of the SFU without a browser: the layer chooser's hysteresis (down after 1 s,
// up after 10 s, a failed trial goes back to the layer it left and waits longer, the viewer's own
// cap at once), a slot's rewrite across a layer switch (sequence, timestamp and VP8 picture id continue; the old layer's stragglers and the
// new layer's packets from before the switch stay out), the router choosing per viewer and asking
// the target layer for a key frame, VP8 key frame sizes, and the transport-cc feedback that replaces
// werift's (lost packets, the 16-bit wrap, deltas against the reference time, padding), the answer's
// start bitrate hint. The viewer estimate is in video-simulcast-estimate.test.ts.
import { PacketStatus } from 'werift';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { vp8KeyFrameSize } from '../src/voice/webrtc/keyFrames.ts';
import { DOWN_HOLD_MS, LayerChooser, TRIAL_DOWN_HOLD_MS, UP_HOLD_MS, type LayerView } from '../src/voice/webrtc/layerChooser.ts';
import { VideoSlot, type IncomingVideoPacket } from '../src/voice/webrtc/videoSlot.ts';
import { VideoRouter, type OutgoingVideoPacket } from '../src/voice/webrtc/VideoRouter.ts';
import { buildFeedback } from '../src/voice/webrtc/weriftTwccFix.ts';
import { withStartBitrate } from '../src/voice/webrtc/answerSdp.ts';

const LAYERS: LayerView[] = [{ bitrate: 150_000, height: 180 }, { bitrate: 500_000, height: 360 }, { bitrate: 1_500_000, height: 720 }];

describe('LayerChooser', () => {
  it('starts on the highest layer that fits the cap and the estimate', () => {
    expect(new LayerChooser().choose(LAYERS, 0, Infinity, 0)).toBe(2);
    expect(new LayerChooser().choose(LAYERS, 360, Infinity, 0)).toBe(1);
    expect(new LayerChooser().choose(LAYERS, 200, Infinity, 0)).toBe(0);
    expect(new LayerChooser().choose(LAYERS, 0, 700_000, 0)).toBe(1);
    expect(new LayerChooser().choose(LAYERS, 0, 10_000, 0)).toBe(0);
  });

  it('goes down only once the estimate stayed low for DOWN_HOLD_MS', () => {
    const c = new LayerChooser();
    c.choose(LAYERS, 0, Infinity, 0);
    expect(c.choose(LAYERS, 0, 700_000, 1_000)).toBe(2);
    expect(c.choose(LAYERS, 0, 700_000, 1_000 + DOWN_HOLD_MS - 1)).toBe(2);
    expect(c.choose(LAYERS, 0, 700_000, 1_000 + DOWN_HOLD_MS)).toBe(1);
    // A dip that recovers within the hold does not move it.
    const d = new LayerChooser();
    d.choose(LAYERS, 0, Infinity, 0);
    d.choose(LAYERS, 0, 100_000, 100);
    expect(d.choose(LAYERS, 0, Infinity, 500)).toBe(2);
    expect(d.choose(LAYERS, 0, 100_000, 600)).toBe(2);
    expect(d.choose(LAYERS, 0, 100_000, 600 + DOWN_HOLD_MS)).toBe(0);
  });

  it('after a move down, goes up only after UP_HOLD_MS of headroom, and waits twice as long after a trial that failed', () => {
    const c = new LayerChooser();
    c.choose(LAYERS, 0, Infinity, 0);
    c.choose(LAYERS, 0, 200_000, 0);
    expect(c.choose(LAYERS, 0, 200_000, DOWN_HOLD_MS)).toBe(0);
    const t = DOWN_HOLD_MS + 1_000;
    expect(c.choose(LAYERS, 0, Infinity, t)).toBe(0);
    expect(c.choose(LAYERS, 0, Infinity, t + UP_HOLD_MS - 1)).toBe(0);
    const upAt = t + UP_HOLD_MS;
    expect(c.choose(LAYERS, 0, Infinity, upAt)).toBe(2);
    // The trial does not fit: down after the hold, and the next trial waits 2 x UP_HOLD_MS.
    c.choose(LAYERS, 0, 200_000, upAt + 500);
    const downAt = upAt + 500 + DOWN_HOLD_MS;
    expect(c.choose(LAYERS, 0, 200_000, downAt)).toBe(0);
    c.choose(LAYERS, 0, Infinity, downAt + 1);
    expect(c.choose(LAYERS, 0, Infinity, downAt + 1 + UP_HOLD_MS)).toBe(0);
    expect(c.choose(LAYERS, 0, Infinity, downAt + 1 + 2 * UP_HOLD_MS)).toBe(2);
  });

  it('a trial up that fails goes back to the layer it left, not to what the trial\'s collapse measured', () => {
    const c = new LayerChooser();
    c.choose(LAYERS, 0, Infinity, 0);
    c.choose(LAYERS, 0, 600_000, 0);
    expect(c.choose(LAYERS, 0, 600_000, DOWN_HOLD_MS)).toBe(1);
    const upAt = DOWN_HOLD_MS + 1 + UP_HOLD_MS;
    c.choose(LAYERS, 0, Infinity, DOWN_HOLD_MS + 1);
    expect(c.choose(LAYERS, 0, Infinity, upAt)).toBe(2);
    // During the trial the estimate collapses below the middle layer: back to the middle one, quickly.
    c.choose(LAYERS, 0, 200_000, upAt + 500);
    expect(c.choose(LAYERS, 0, 200_000, upAt + 500 + TRIAL_DOWN_HOLD_MS - 1)).toBe(2);
    expect(c.choose(LAYERS, 0, 200_000, upAt + 500 + TRIAL_DOWN_HOLD_MS)).toBe(1);
    // Once there, an estimate that still does not fit it moves it further down, after the usual hold.
    const at = upAt + 500 + TRIAL_DOWN_HOLD_MS;
    c.choose(LAYERS, 0, 200_000, at + 1);
    expect(c.choose(LAYERS, 0, 200_000, at + 1 + TRIAL_DOWN_HOLD_MS)).toBe(1);
    expect(c.choose(LAYERS, 0, 200_000, at + 1 + DOWN_HOLD_MS)).toBe(0);
  });

  it('with no limit in sight takes a higher layer at once (the layers re-ordered once their heights were known)', () => {
    const c = new LayerChooser();
    c.choose(LAYERS, 0, Infinity, 0);
    // The router re-finds the slot's target by SSRC after a re-order: it is now the middle one.
    c.current = 1;
    expect(c.choose(LAYERS, 0, Infinity, 100)).toBe(2);
    const d = new LayerChooser();
    d.choose(LAYERS, 0, 700_000, 0);
    expect(d.choose(LAYERS, 0, 700_000, 100)).toBe(1);
    // A finite estimate with room for the top layer: the hold applies.
    expect(d.choose(LAYERS, 0, 3_000_000, 200)).toBe(1);
    expect(d.choose(LAYERS, 0, 3_000_000, 200 + UP_HOLD_MS)).toBe(2);
  });

  it('follows the viewer\'s own cap at once, both ways', () => {
    const c = new LayerChooser();
    c.choose(LAYERS, 0, Infinity, 0);
    expect(c.choose(LAYERS, 180, Infinity, 10)).toBe(0);
    expect(c.choose(LAYERS, 0, Infinity, 20)).toBe(2);
  });
});

/** A VP8 packet with a 15-bit picture id and TL0PICIDX; `key` makes it the first packet of a key frame. */
function vp8(ssrc: number, seq: number, ts: number, pid: number, o: { key?: boolean; start?: boolean; marker?: boolean; height?: number } = {}): IncomingVideoPacket {
  const start = o.start ?? o.key ?? false;
  const tag = o.key ? [0x50, 0x2f, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, (o.height ?? 180) & 0xff, ((o.height ?? 180) >> 8) & 0x3f] : [0x51, 0, 0];
  const payload = Buffer.from([0x80 | (start ? 0x10 : 0), 0xc0, 0x80 | (pid >> 8), pid & 0xff, pid & 0xff, ...tag]);
  return { ssrc, sequenceNumber: seq, timestamp: ts, marker: o.marker ?? true, padding: false, paddingSize: 0, payload, group: '3', rid: String(ssrc) };
}
const pidOf = (p: Buffer) => ((p[2]! & 0x7f) << 8) | p[3]!;

describe('VideoSlot across a layer switch', () => {
  it('continues sequence numbers, timestamps and VP8 picture ids; drops the old layer and the new layer\'s packets from before the switch', () => {
    const slot = new VideoSlot();
    const low = (seq: number, pid: number, o = {}) => vp8(111, seq, seq * 3000, pid, o);
    const high = (seq: number, pid: number, o = {}) => vp8(222, seq, 900_000 + seq * 3000, pid, o);
    slot.targetSsrc = 111;
    slot.switchTo(low(100, 5000, { key: true }), 'vp8', 0);
    const a = slot.rewrite(low(100, 5000, { key: true }), 'vp8', 0)!;
    const b = slot.rewrite(low(101, 5001), 'vp8', 33)!;
    expect([a.sequenceNumber, b.sequenceNumber, pidOf(b.payload)]).toEqual([100, 101, 5001]);
    // Switch to the high layer at its key frame 40 ms later.
    slot.targetSsrc = 222;
    const key = high(7000, 30000, { key: true });
    slot.switchTo(key, 'vp8', 73);
    const k = slot.rewrite(key, 'vp8', 73)!;
    expect(k.sequenceNumber).toBe(102);
    expect(k.timestamp).toBe(b.timestamp + 40 * 90);
    expect(pidOf(k.payload)).toBe(5002);
    expect(key.payload[3]).toBe(30000 & 0xff); // the sender's bytes are not written
    const n = slot.rewrite(high(7001, 30001), 'vp8', 106)!;
    expect([n.sequenceNumber, n.timestamp - k.timestamp, pidOf(n.payload), n.payload[4]]).toEqual([103, 3000, 5003, (b.payload[4]! + 2) & 0xff]);
    // The high layer's packet from before its key frame would land in the low layer's numbers.
    expect(slot.rewrite(high(6999, 29999), 'vp8', 110)).toBeNull();
    // A retransmission of the high layer fills its own hole, at its own rewritten number.
    expect(slot.rewrite(high(7001, 30001), 'vp8', 120)?.sequenceNumber).toBe(103);
    expect(slot.switches).toBe(1);
  });
});

describe('VideoRouter with a simulcast source', () => {
  afterEach(() => { vi.useRealTimers(); });
  function setup() {
    // The router revisits its choices on a timer: fake timers move with the injected clock.
    vi.useFakeTimers();
    let now = 0;
    const router = new VideoRouter(() => now);
    const plis: number[] = [];
    const got: Record<number, OutgoingVideoPacket[]> = { 2: [], 3: [] };
    const viewer = (ssrc: number) => ({ videoSlots: [{ mid: '5', ssrc: ssrc * 10 }], sendVideo: (_slot: number, _c: string, p: OutgoingVideoPacket) => { got[ssrc]!.push(p); return true; } });
    router.join(1, 'sender', 'room');
    router.join(2, 'v2', 'room');
    router.join(3, 'v3', 'room');
    router.attach(1, { videoSlots: [], sendVideo: () => false }, { requestKeyFrame: (s) => { plis.push(s); } });
    router.attach(2, viewer(2), { requestKeyFrame: () => undefined });
    router.attach(3, viewer(3), { requestKeyFrame: () => undefined });
    // op 12 names the low layer; the other two join by the m-line they share.
    expect(router.setSources(1, [{ type: 'video', ssrc: 111 }])).toEqual([]);
    const heights: Record<number, number> = { 111: 180, 222: 360, 333: 720 };
    const seqs: Record<number, number> = { 111: 0, 222: 5000, 333: 9000 };
    /** One frame (one packet) on every layer, key frames when asked; `bytes` of padding-free payload per layer. */
    const frame = (key = false) => {
      for (const ssrc of [111, 222, 333]) {
        const p = vp8(ssrc, ++seqs[ssrc]!, seqs[ssrc]! * 3000, seqs[ssrc]! & 0x7fff, { key, height: heights[ssrc]! });
        // Layer bitrates apart (a tenth, a third, all of the top) so the meter orders and prices them.
        const size = ssrc === 111 ? 200 : ssrc === 222 ? 600 : 1800;
        router.forward(1, 'vp8', { ...p, payload: Buffer.concat([p.payload, Buffer.alloc(size)]) });
      }
      now += 33;
      vi.advanceTimersByTime(33);
    };
    return { router, plis, got, frame, tick: (ms: number) => { now += ms; } };
  }

  it('sends each viewer one layer (the top unless capped), switches at the target layer\'s key frame after a PLI to it', () => {
    const { router, plis, got, frame, tick } = setup();
    frame(true);
    router.setWants(2, { any: 100 });
    router.setWants(3, { any: 100, 'max_height:111': 200 });
    for (let i = 0; i < 30; i++) frame(i === 1);
    expect(router.slotLayerOf(2, 111)).toMatchObject({ ssrc: 333, height: 720, layers: 3 });
    expect(router.slotLayerOf(3, 111)).toMatchObject({ ssrc: 111, height: 180 });
    expect(got[2]!.length).toBe(29);
    expect(got[3]!.length).toBe(29);
    // Layers as metered: ~50, ~150 and ~440 kbit/s. Viewer 2's bandwidth drops below the top layer: after the hold the target is the middle layer,
    // asked for a key frame; nothing moves until that key frame comes.
    router.capViewerBandwidth(2, 300_000);
    for (let i = 0; i < 40; i++) frame();
    expect(router.slotLayerOf(2, 111)).toMatchObject({ ssrc: 333, targetSsrc: 222 });
    expect(plis).toContain(222);
    const before = got[2]!.length;
    frame(true);
    expect(router.slotLayerOf(2, 111)).toMatchObject({ ssrc: 222, switches: 1 });
    const seqsOut = got[2]!.map((p) => p.sequenceNumber);
    expect(seqsOut.slice(before - 1)).toEqual([seqsOut[before - 1], seqsOut[before - 1]! + 1]);
    expect(router.stats().layerSwitches).toBe(1);
    // A picture loss (PLI or FIR) on viewer 2's slot asks the layer it now carries: within 500 ms of
    // the last request to that layer it is deferred to the end of the window, not dropped.
    plis.length = 0;
    router.viewerPictureLoss(2, 0);
    router.viewerPictureLoss(2, 0);
    tick(500);
    vi.advanceTimersByTime(500);
    expect(plis).toEqual([222]);
    router.close();
  });
});

describe('vp8KeyFrameSize', () => {
  it('reads the size of a key frame and nothing else', () => {
    expect(vp8KeyFrameSize(vp8(1, 1, 1, 1, { key: true, height: 720 }).payload)).toEqual({ width: 640, height: 720 });
    expect(vp8KeyFrameSize(vp8(1, 1, 1, 1).payload)).toBeNull();
    expect(vp8KeyFrameSize(Buffer.from([0x90, 0xc0]))).toBeNull();
  });
});

describe('transport-cc feedback (buildFeedback)', () => {
  it('reports lost packets as not received, orders across the wrap, measures deltas from the 64 ms reference, pads to 32 bits', () => {
    const t0 = 1_700_000_000_100_000n; // 36 ms past a 64 ms boundary
    const info: Record<number, { tsn: number; timestamp: bigint }> = {};
    for (const [tsn, us] of [[65534, 0], [65535, 1_000], [1, 5_000], [2, 400_000]] as const) info[tsn] = { tsn, timestamp: t0 + BigInt(us) };
    const p = buildFeedback({ extensionInfo: info, rtcpSsrc: 1, mediaSourceSsrc: 2, fbPktCount: 7 });
    const f = p?.feedback as unknown as { baseSequenceNumber: number; packetStatusCount: number; referenceTime: number; recvDeltas: { delta: number; type: number }[]; packetChunks: { packetStatus: number; runLength: number }[] };
    expect(f.baseSequenceNumber).toBe(65534);
    expect(f.packetStatusCount).toBe(5);
    expect(f.referenceTime).toBe(Number((t0 / 64_000n) & 0xffffffn));
    // In 250 us units: 36 ms past the reference, then +1 ms, +4 ms, +395 ms (a large delta).
    expect(f.recvDeltas.map((d) => d.delta)).toEqual([Number(t0 % 64_000n) / 250, 4, 16, 1580]);
    expect(f.packetChunks.map((c) => [c.packetStatus, c.runLength])).toEqual([
      [PacketStatus.TypeTCCPacketReceivedSmallDelta, 2],
      [PacketStatus.TypeTCCPacketNotReceived, 1],
      [PacketStatus.TypeTCCPacketReceivedSmallDelta, 1],
      [PacketStatus.TypeTCCPacketReceivedLargeDelta, 1],
    ]);
    expect(p!.serialize().length % 4).toBe(0);
    expect(buildFeedback({ extensionInfo: {}, rtcpSsrc: 1, mediaSourceSsrc: 2, fbPktCount: 0 })).toBeNull();
  });
});

describe('withStartBitrate (the answer)', () => {
  it('adds x-google-start-bitrate to every VP8/H.264 payload type of the video m-lines, nowhere else', () => {
    const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10', 'm=video 9 UDP/TLS/RTP/SAVPF 96 103', 'a=mid:1', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:103 H264/90000', 'a=fmtp:103 packetization-mode=1', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', ''].join('\r\n');
    const out = withStartBitrate(sdp, 1000).split('\r\n');
    expect(out).toContain('a=fmtp:111 minptime=10');
    expect(out).toContain('a=fmtp:103 packetization-mode=1;x-google-start-bitrate=1000');
    expect(out.filter((l) => l === 'a=fmtp:96 x-google-start-bitrate=1000')).toHaveLength(2);
    expect(out.at(-1)).toBe('');
    expect(withStartBitrate(withStartBitrate(sdp))).toBe(withStartBitrate(sdp));
  });
});
