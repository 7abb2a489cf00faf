import { afterEach, describe, expect, it } from 'vitest';
import { energyEnvelope, envelopeCorrelation, rmsDbfs } from '../energy.ts';
import { loadSpeechFixture } from '../testFixtures.ts';
import { frames20ms } from '../wav.ts';
import { createOpusDecoder, createOpusEncoder, isOpusDtxFrame, resolveOpusBackend, type OpusBackend } from './OpusCodec.ts';

const speech = loadSpeechFixture();
const speechFrames = [...frames20ms(speech.samples, 1)];

function sine(frequency: number, amplitude: number, frames: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let f = 0; f < frames; f++) {
    const frame = new Int16Array(960);
    for (let i = 0; i < 960; i++) frame[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * (f * 960 + i)) / 48_000));
    out.push(frame);
  }
  return out;
}

describe('resolveOpusBackend', () => {
  const saved = process.env['CONCORD_OPUS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['CONCORD_OPUS'];
    else process.env['CONCORD_OPUS'] = saved;
  });
  it('prefers the native binding when it loads, and CONCORD_OPUS=wasm forces the fallback', () => {
    delete process.env['CONCORD_OPUS'];
    expect(resolveOpusBackend()).toBe('native');
    process.env['CONCORD_OPUS'] = 'wasm';
    expect(resolveOpusBackend()).toBe('wasm');
    expect(createOpusEncoder({ channels: 1 }).backend).toBe('wasm');
  });
});

describe.each<OpusBackend>(['native', 'wasm'])('Opus over the %s backend', (backend) => {
  it('round-trips speech: 960 samples per frame and the same loudness envelope', () => {
    const encoder = createOpusEncoder({ channels: 1, backend });
    const decoder = createOpusDecoder({ channels: 1, backend });
    expect(encoder.backend).toBe(backend);
    const decoded = new Int16Array(speechFrames.length * 960);
    speechFrames.forEach((frame, index) => {
      const packet = encoder.encode(frame);
      expect(packet.length).toBeGreaterThan(2);
      expect(packet.length).toBeLessThan(400);
      const pcm = decoder.decode(packet);
      expect(pcm.length).toBe(960);
      decoded.set(pcm, index * 960);
    });
    const match = envelopeCorrelation(energyEnvelope(speech.samples), energyEnvelope(decoded), 5);
    expect(match.correlation).toBeGreaterThan(0.95);
    expect(Math.abs(match.lag)).toBeLessThanOrEqual(1);
    encoder.close();
    decoder.close();
  });

  it('encodes and decodes stereo frames of 1920 interleaved samples', () => {
    const encoder = createOpusEncoder({ channels: 2, backend, application: 'audio', bitrate: 96_000 });
    const decoder = createOpusDecoder({ channels: 2, backend });
    const tone = sine(440, 8000, 10);
    let last: Int16Array = new Int16Array(0);
    for (const mono of tone) {
      const stereo = new Int16Array(1920);
      for (let i = 0; i < 960; i++) { stereo[2 * i] = mono[i] ?? 0; stereo[2 * i + 1] = (mono[i] ?? 0) >> 1; }
      last = decoder.decode(encoder.encode(stereo));
    }
    expect(last.length).toBe(1920);
    const left = last.filter((_, i) => i % 2 === 0);
    const right = last.filter((_, i) => i % 2 === 1);
    expect(rmsDbfs(left) - rmsDbfs(right)).toBeGreaterThan(4); // right was 6 dB quieter
  });

  it('rejects a frame that is not 20 ms', () => {
    const encoder = createOpusEncoder({ channels: 1, backend });
    expect(() => encoder.encode(new Int16Array(480))).toThrow(RangeError);
  });

  it('emits DTX frames during silence only when DTX is on', () => {
    const silence = Array.from({ length: 50 }, () => new Int16Array(960));
    const withDtx = createOpusEncoder({ channels: 1, backend, dtx: true });
    const withoutDtx = createOpusEncoder({ channels: 1, backend, dtx: false });
    expect(silence.map((f) => withDtx.encode(f)).filter(isOpusDtxFrame).length).toBeGreaterThan(30);
    expect(silence.map((f) => withoutDtx.encode(f)).filter(isOpusDtxFrame).length).toBe(0);
  });

  it('writes in-band FEC (the SILK LBRR flag) only when FEC is on and loss is expected', () => {
    // In a SILK or hybrid packet (TOC config < 16) the first two range-coded symbols are the VAD
    // and LBRR flags at probability 1/2, so they are the top two bits of the byte after the TOC.
    const lbrrFrames = (fec: boolean, expectedLossPercent: number): number => {
      const encoder = createOpusEncoder({ channels: 1, backend, fec, expectedLossPercent, bitrate: 32_000 });
      const packets = speechFrames.map((frame) => encoder.encode(frame));
      expect(packets.every((p) => (p[0] ?? 0) >> 3 < 16)).toBe(true);
      return packets.filter((p) => ((p[1] ?? 0) & 0x40) !== 0).length;
    };
    expect(lbrrFrames(false, 20)).toBe(0);
    expect(lbrrFrames(true, 0)).toBe(0);
    expect(lbrrFrames(true, 20)).toBeGreaterThan(speechFrames.length / 2);
  });

  it('conceals a lost frame with one 20 ms frame that continues the signal', () => {
    const encoder = createOpusEncoder({ channels: 1, backend });
    const decoder = createOpusDecoder({ channels: 1, backend });
    expect(decoder.conceal()).toEqual(new Int16Array(960)); // nothing heard yet: silence
    for (const frame of sine(300, 10_000, 20)) decoder.decode(encoder.encode(frame));
    const concealed = decoder.conceal();
    expect(concealed.length).toBe(960);
    expect(rmsDbfs(concealed)).toBeGreaterThan(-20); // a continuation, not silence
    const fec = decoder.decodeFec(encoder.encode(new Int16Array(960)));
    expect(fec.length).toBe(960);
    expect(decoder.canDecodeFec).toBe(false);
  });

  it('throws on a corrupt packet instead of returning garbage', () => {
    const decoder = createOpusDecoder({ channels: 1, backend });
    // TOC code 3 (arbitrary frame count) with a frame count byte of 0 is invalid.
    expect(() => decoder.decode(Uint8Array.of(0x7b, 0x00))).toThrow();
  });
});
