import { describe, expect, it } from 'vitest';
import { loadSpeechFixture } from './testFixtures.ts';
import { frames20ms, readWav, resampleLinear } from './wav.ts';

function wavBytes(samples: number[], channels: number, sampleRate: number, bits = 16, extraChunk = false): Uint8Array {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0); fmt.writeUInt32LE(16, 4); fmt.writeUInt16LE(1, 8); fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(sampleRate, 12); fmt.writeUInt32LE(sampleRate * channels * 2, 16); fmt.writeUInt16LE(channels * 2, 20); fmt.writeUInt16LE(bits, 22);
  const list = extraChunk ? Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0, 1, 2, 3, 0])]) : Buffer.alloc(0);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0); dataHeader.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE'), fmt, list, dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0); riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('readWav', () => {
  it('reads the speech fixture: 48 kHz mono, about 3.6 s, not silent', () => {
    const audio = loadSpeechFixture();
    expect(audio.sampleRate).toBe(48_000);
    expect(audio.channels).toBe(1);
    expect(audio.samples.length / 48_000).toBeGreaterThan(3.4);
    expect(audio.samples.length / 48_000).toBeLessThan(3.8);
    expect(audio.samples.some((s) => Math.abs(s) > 5000)).toBe(true);
  });

  it('reads stereo samples interleaved and skips unknown odd-sized chunks', () => {
    const audio = readWav(wavBytes([1, -1, 300, -300, 32767, -32768], 2, 44_100, 16, true));
    expect(audio.channels).toBe(2);
    expect(audio.sampleRate).toBe(44_100);
    expect([...audio.samples]).toEqual([1, -1, 300, -300, 32767, -32768]);
  });

  it('rejects 8-bit audio, non-RIFF bytes and a missing data chunk', () => {
    expect(() => readWav(wavBytes([1, 2], 1, 48_000, 8))).toThrow(/16-bit/);
    expect(() => readWav(Buffer.from('hello world, not a wav'))).toThrow(/RIFF/);
    expect(() => readWav(wavBytes([], 1, 48_000).subarray(0, 36))).toThrow(/no data chunk/);
  });
});

describe('frames20ms', () => {
  it('cuts 960-sample frames per channel and zero-pads the last', () => {
    const samples = Int16Array.from({ length: 2500 }, (_, i) => i);
    const frames = [...frames20ms(samples, 1)];
    expect(frames.map((f) => f.length)).toEqual([960, 960, 960]);
    expect(frames[2]?.[579]).toBe(2499);
    expect(frames[2]?.[580]).toBe(0);
    expect([...frames20ms(new Int16Array(1920 * 2), 2)].length).toBe(2);
  });
});

describe('resampleLinear', () => {
  it('keeps a ramp a ramp and scales the length by the rate ratio', () => {
    const ramp = Int16Array.from({ length: 160 }, (_, i) => i * 10);
    const up = resampleLinear(ramp, 1, 16_000, 48_000);
    expect(up.length).toBe(480);
    expect(up[3]).toBe(10);
    expect(up[4]).toBe(13);
    const down = resampleLinear(up, 1, 48_000, 16_000);
    expect([...down.subarray(0, 150)]).toEqual([...ramp.subarray(0, 150)]);
  });
});
