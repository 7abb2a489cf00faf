import { describe, expect, it } from 'vitest';
import { energyEnvelope, envelopeCorrelation, SILENCE_DBFS } from './energy.ts';
import type { JitterBufferOptions } from './JitterBuffer.ts';
import { createOpusEncoder } from './opus/OpusCodec.ts';
import { StreamDecoder } from './StreamDecoder.ts';
import { loadSpeechFixture } from './testFixtures.ts';
import { frames20ms } from './wav.ts';

const speech = loadSpeechFixture().samples;
const encoder = createOpusEncoder({ channels: 1, fec: true, expectedLossPercent: 20 });
const packets = [...frames20ms(speech, 1)].map((frame) => encoder.encode(frame));

/** Sends every packet not in `lost` at 20 ms spacing (plus jitter) and pops once per tick. */
function play(lost: Set<number>, jitterMs: (i: number) => number = () => 0, jitter: JitterBufferOptions = {}): { pcm: Int16Array; stream: StreamDecoder } {
  const stream = new StreamDecoder({ channels: 1, jitter });
  const out = new Int16Array((packets.length + 20) * 960);
  const arrivals = packets
    .map((payload, i) => ({ i, payload, at: i * 20 + jitterMs(i) }))
    .filter((a) => !lost.has(a.i))
    .sort((a, b) => a.at - b.at);
  let cursor = 0;
  for (let tick = 0; tick < packets.length + 20; tick++) {
    for (let a = arrivals[cursor]; a !== undefined && a.at <= tick * 20; a = arrivals[++cursor]) {
      stream.push((40_000 + a.i) & 0xffff, a.i * 960, a.payload, a.at);
    }
    const pcm = stream.pop();
    if (pcm !== null) out.set(pcm, tick * 960);
  }
  return { pcm: out, stream };
}

describe('StreamDecoder', () => {
  it('plays a clean stream with no loss and the speech envelope intact', () => {
    const { pcm, stream } = play(new Set());
    const stats = stream.stats();
    expect(stats.packetsReceived).toBe(packets.length);
    expect(stats.packetsLost).toBe(0);
    expect(stats.lossPercent).toBe(0);
    expect(envelopeCorrelation(energyEnvelope(speech), energyEnvelope(pcm), 5).correlation).toBeGreaterThan(0.95);
  });

  it('fills 10% random loss with FEC/PLC: loss is counted and the envelope survives', () => {
    const lost = new Set<number>();
    for (let i = 5; i < packets.length; i += 10) lost.add(i);
    const { pcm, stream } = play(lost);
    const stats = stream.stats();
    expect(stats.packetsLost).toBe(lost.size);
    expect(stats.lossPercent).toBeCloseTo((100 * lost.size) / packets.length, 0);
    expect(stats.fecRecoveredFrames + stats.fecConcealedFrames).toBe(lost.size);
    // Concealed frames are not silent: compare with simply leaving the holes empty.
    const holes = new Int16Array(speech.length + 960);
    holes.set(speech);
    for (const i of lost) holes.fill(0, i * 960, (i + 1) * 960);
    const concealed = envelopeCorrelation(energyEnvelope(speech), energyEnvelope(pcm), 5).correlation;
    expect(concealed).toBeGreaterThan(0.9);
    const lostLevels = [...lost].map((i) => energyEnvelope(pcm.subarray((i + 1) * 960, (i + 2) * 960))[0] ?? SILENCE_DBFS);
    expect(lostLevels.filter((db) => db > -60).length).toBeGreaterThan(lost.size / 2);
  });

  it('adapts to 60 ms of jitter: far less loss than a buffer held at 20 ms', () => {
    const jitter = (i: number): number => (i % 3) * 30;
    const adaptive = play(new Set(), jitter).stream.stats();
    const fixed = play(new Set(), jitter, { maxDelayMs: 20 }).stream.stats();
    expect(adaptive.targetDelayMs).toBeGreaterThanOrEqual(60);
    expect(adaptive.jitterMs).toBeGreaterThan(15);
    expect(fixed.lossPercent).toBeGreaterThan(20);
    expect(adaptive.lossPercent).toBeLessThan(5);
  });

  it('counts a corrupt payload as a decode error and conceals it', () => {
    const stream = new StreamDecoder({ channels: 1 });
    stream.push(1, 0, packets[50] ?? new Uint8Array(), 0);
    expect(stream.pop()?.length).toBe(960);
    stream.push(2, 960, Uint8Array.of(0x7b, 0x00), 20);
    expect(stream.pop()?.length).toBe(960);
    expect(stream.stats().decodeErrors).toBe(1);
  });

  it('returns null (silence) before the first packet and after the talk spurt ends', () => {
    const stream = new StreamDecoder({ channels: 1, jitter: { maxConcealFrames: 1 } });
    expect(stream.pop()).toBeNull();
    stream.push(9, 0, packets[50] ?? new Uint8Array(), 0);
    expect(stream.pop()).not.toBeNull();
    expect(stream.pop()).not.toBeNull(); // one concealed frame
    expect(stream.pop()).toBeNull();
    expect(stream.stats().levelDbfs).toBe(SILENCE_DBFS);
  });
});
