// RNNoise from the installed rnnoise.wasm, in Node: white noise comes out much quieter, speech
// keeps most of its energy (the same class runs inside the AudioWorklet in the browser).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWav } from '@concord/media';
import { describe, expect, it } from 'vitest';
import { RNNOISE_FRAME, Rnnoise } from '../../src/renderer/voice/rnnoise/Rnnoise.ts';

const wasmFile = createRequire(import.meta.url).resolve('@jitsi/rnnoise-wasm/dist/rnnoise.wasm');
const speechFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../packages/testkit/fixtures/speech-48k-mono.wav');

/** Runs `signal` through a fresh denoiser; RMS in and out after the first `warmupFrames`. */
async function denoise(signal: Float32Array, warmupFrames = 50): Promise<{ rmsIn: number; rmsOut: number; meanVad: number }> {
  const rn = await Rnnoise.create(readFileSync(wasmFile));
  let sumIn = 0;
  let sumOut = 0;
  let vad = 0;
  let frames = 0;
  for (let f = 0; (f + 1) * RNNOISE_FRAME <= signal.length; f++) {
    const frame = signal.slice(f * RNNOISE_FRAME, (f + 1) * RNNOISE_FRAME);
    const before = frame.reduce((a, x) => a + x * x, 0);
    const p = rn.processFrame(frame);
    if (f < warmupFrames) continue;
    sumIn += before;
    sumOut += frame.reduce((a, x) => a + x * x, 0);
    vad += p;
    frames++;
  }
  rn.destroy();
  const n = frames * RNNOISE_FRAME;
  return { rmsIn: Math.sqrt(sumIn / n), rmsOut: Math.sqrt(sumOut / n), meanVad: vad / frames };
}

describe('Rnnoise (rnnoise.wasm without the Emscripten glue)', () => {
  it('attenuates white noise by more than 10 dB (measured: 14 dB)', async () => {
    let seed = 12345;
    const noise = new Float32Array(48_000 * 3).map(() => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed / 0xffffffff - 0.5) * 0.2;
    });
    const r = await denoise(noise);
    const db = 20 * Math.log10(r.rmsOut / r.rmsIn);
    console.log(`white noise: rms ${r.rmsIn.toFixed(4)} -> ${r.rmsOut.toFixed(5)} (${db.toFixed(1)} dB), mean VAD ${r.meanVad.toFixed(3)}`);
    expect(db).toBeLessThan(-10);
  });

  it('keeps speech (less than 6 dB lost) and calls it voice', async () => {
    const wav = readWav(readFileSync(speechFile));
    const speech = Float32Array.from(wav.samples, (x) => x / 32768);
    const r = await denoise(speech);
    const db = 20 * Math.log10(r.rmsOut / r.rmsIn);
    console.log(`speech: rms ${r.rmsIn.toFixed(4)} -> ${r.rmsOut.toFixed(4)} (${db.toFixed(1)} dB), mean VAD ${r.meanVad.toFixed(3)}`);
    expect(db).toBeGreaterThan(-6);
    expect(r.meanVad).toBeGreaterThan(0.3);
  });

  it('rejects frames of the wrong size', async () => {
    const rn = await Rnnoise.create(readFileSync(wasmFile));
    expect(() => rn.processFrame(new Float32Array(128))).toThrow(/480/);
    rn.destroy();
  });
});
