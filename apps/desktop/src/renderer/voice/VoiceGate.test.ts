import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { AUTO_MIN_OPEN_DB, VAD_HANGOVER_MS, VoiceGate, rmsDb } from './VoiceGate.ts';

const base = DEFAULT_SETTINGS.voiceInput;

describe('VoiceGate', () => {
  it('voice activity with a threshold opens at the threshold and closes after the hangover', () => {
    const gate = new VoiceGate({ ...base, sensitivityDb: -40 });
    expect(gate.level(-45, 0)).toBe(false);
    expect(gate.level(-35, 20)).toBe(true);
    expect(gate.level(-60, 20 + VAD_HANGOVER_MS - 1)).toBe(true);
    expect(gate.level(-60, 20 + VAD_HANGOVER_MS)).toBe(false);
  });

  it('automatic sensitivity follows the noise floor: steady room noise stays closed, speech above it opens', () => {
    const gate = new VoiceGate(base);
    let t = 0;
    for (; t < 10_000; t += 20) expect(gate.level(-45 + (t % 40 === 0 ? 1 : -1), t)).toBe(false);
    expect(gate.noiseFloorDb).toBeLessThan(-44);
    expect(gate.thresholdDb).toBeGreaterThan(-35);
    expect(gate.level(-20, t)).toBe(true);
    // A quiet room never opens below the minimum.
    const quiet = new VoiceGate(base);
    expect(quiet.level(-95, 0)).toBe(false);
    expect(quiet.thresholdDb).toBe(AUTO_MIN_OPEN_DB);
    expect(quiet.level(AUTO_MIN_OPEN_DB - 1, 20)).toBe(false);
  });

  it('push to talk sends only while the key is held plus the release delay, whatever the level', () => {
    const gate = new VoiceGate({ ...base, mode: 'pushToTalk', pttReleaseDelayMs: 200 });
    expect(gate.level(-10, 0)).toBe(false);
    expect(gate.pushToTalk(true, 10)).toBe(true);
    expect(gate.level(-100, 500)).toBe(true);
    expect(gate.pushToTalk(false, 1000)).toBe(true);
    expect(gate.update(1199)).toBe(true);
    expect(gate.update(1200)).toBe(false);
  });

  it('rmsDb: full-scale square wave is 0 dBFS, half is about -6, silence -100', () => {
    expect(rmsDb(new Float32Array([1, -1, 1, -1]))).toBeCloseTo(0, 5);
    expect(rmsDb(new Float32Array([0.5, -0.5]))).toBeCloseTo(-6.02, 1);
    expect(rmsDb(new Float32Array(128))).toBe(-100);
  });
});
