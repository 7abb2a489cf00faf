import { describe, expect, it } from 'vitest';
import { energyEnvelope } from './energy.ts';
import { loadSpeechFixture } from './testFixtures.ts';
import { VoiceActivityDetector, type VadOptions } from './Vad.ts';
import { frames20ms } from './wav.ts';

const speech = loadSpeechFixture().samples;

/** A deterministic white-ish noise frame at roughly `amplitude` RMS. */
function noiseFrames(count: number, amplitude: number, seed = 1): Int16Array[] {
  let state = seed;
  return Array.from({ length: count }, () => Int16Array.from({ length: 960 }, () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return Math.round(((state / 0x7fffffff) * 2 - 1) * amplitude * 1.73);
  }));
}

function run(frames: Iterable<Int16Array>, options?: VadOptions): boolean[] {
  const vad = new VoiceActivityDetector(options);
  return [...frames].map((f) => vad.process(f));
}

const count = (flags: boolean[]): number => flags.filter(Boolean).length;

describe('VoiceActivityDetector', () => {
  it('stays quiet on digital silence and on steady background noise', () => {
    expect(count(run(Array.from({ length: 100 }, () => new Int16Array(960))))).toBe(0);
    const noisy = run(noiseFrames(250, 600)); // about -35 dBFS of hiss
    expect(count(noisy.slice(50))).toBe(0);
  });

  it('detects the speech fixture: speaking over its loud frames, not before it starts', () => {
    const lead = Array.from({ length: 25 }, () => new Int16Array(960));
    const frames = [...lead, ...frames20ms(speech, 1)];
    const flags = run(frames);
    expect(count(flags.slice(0, 25))).toBe(0);
    const envelope = energyEnvelope(speech);
    const loud = [...envelope.keys()].filter((i) => (envelope[i] ?? -100) > -30);
    expect(loud.length).toBeGreaterThan(50);
    const hits = loud.filter((i) => flags[25 + i] === true).length;
    expect(hits / loud.length).toBeGreaterThan(0.9);
  });

  it('detects speech mixed over background noise', () => {
    const noise = noiseFrames(250, 300);
    const speechFrames = [...frames20ms(speech, 1)];
    const mixed = noise.map((n, i) => {
      const s = speechFrames[i - 50];
      return s === undefined ? n : n.map((v, k) => v + (s[k] ?? 0));
    });
    const flags = run(mixed);
    expect(count(flags.slice(20, 50))).toBe(0);
    expect(count(flags.slice(50, 50 + speechFrames.length))).toBeGreaterThan(speechFrames.length * 0.5);
  });

  it('needs the attack frames to start and holds for the hangover after the last voiced frame', () => {
    const loud = new Int16Array(960).fill(8000);
    const quiet = new Int16Array(960);
    const flags = run([loud, loud, loud, ...Array.from({ length: 20 }, () => quiet)], { mode: { kind: 'threshold', thresholdDbfs: -40 }, attackFrames: 2, hangoverMs: 200 });
    expect(flags.slice(0, 3)).toEqual([false, true, true]);
    expect(count(flags.slice(3))).toBe(10); // 200 ms of hangover
    expect(flags.at(-1)).toBe(false);
  });

  it('in threshold mode ignores speech quieter than the sensitivity setting', () => {
    const quietSpeech = [...frames20ms(speech.map((s) => s >> 5), 1)]; // -30 dB
    expect(count(run(quietSpeech, { mode: { kind: 'threshold', thresholdDbfs: -30 } }))).toBe(0);
    expect(count(run(quietSpeech, { mode: { kind: 'threshold', thresholdDbfs: -60 } }))).toBeGreaterThan(50);
  });
});
