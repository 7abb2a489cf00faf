import { describe, expect, it } from 'vitest';
import { energyEnvelope, envelopeCorrelation, rmsDbfs, SILENCE_DBFS } from './energy.ts';
import { loadSpeechFixture } from './testFixtures.ts';

describe('rmsDbfs', () => {
  it('reports a full-scale square wave at 0 dBFS, half scale at -6 and silence at the floor', () => {
    expect(rmsDbfs(Int16Array.from({ length: 960 }, (_, i) => (i % 2 === 0 ? 32767 : -32768)))).toBeCloseTo(0, 2);
    expect(rmsDbfs(new Int16Array(960).fill(16384))).toBeCloseTo(-6.02, 1);
    expect(rmsDbfs(new Int16Array(960))).toBe(SILENCE_DBFS);
  });
});

describe('envelopeCorrelation', () => {
  const speech = loadSpeechFixture().samples;
  const envelope = energyEnvelope(speech);

  it('gives one value per 20 ms frame', () => {
    expect(envelope.length).toBe(Math.ceil(speech.length / 960));
  });

  it('finds the delay of a delayed, quieter copy of the speech', () => {
    const delayed = new Int16Array(speech.length + 960 * 7);
    for (let i = 0; i < speech.length; i++) delayed[i + 960 * 7] = (speech[i] ?? 0) >> 2;
    const match = envelopeCorrelation(envelope, energyEnvelope(delayed), 20);
    expect(match.lag).toBe(7);
    expect(match.correlation).toBeGreaterThan(0.99);
  });

  it('does not match speech against its reversal', () => {
    const reversed = speech.slice().reverse();
    const match = envelopeCorrelation(envelope, energyEnvelope(reversed), 10);
    expect(match.correlation).toBeLessThan(0.6);
  });
});
