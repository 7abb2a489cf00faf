// The worklet sources run in Node with a stand-in AudioWorkletProcessor (no browser here): capture
// turns 128-sample quanta into 960-sample frames on the transferred port; the player plays queued
// Int16 frames back as Float32 after two frames of headroom and counts an underrun.
import { runInNewContext } from 'node:vm';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CAPTURE_WORKLET_SOURCE, PLAYER_WORKLET_SOURCE } from './pipelineWorklets.ts';

interface Processor {
  port: { onmessage: ((event: { data: unknown }) => void) | null; postMessage(data: unknown): void };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
  push?(data: unknown): void;
}

function load(source: string): Processor {
  const registered: (new () => Processor)[] = [];
  class AudioWorkletProcessor {
    port = { onmessage: null, postMessage: () => undefined };
  }
  runInNewContext(source, { AudioWorkletProcessor, Float32Array, Int16Array, registerProcessor: (_name: string, ctor: new () => Processor) => registered.push(ctor) });
  const Made = registered[0];
  if (Made === undefined) throw new Error('no processor registered');
  return new Made();
}

describe('native pipeline worklets', () => {
  it('capture posts 960-sample frames to the transferred port', async () => {
    const capture = load(CAPTURE_WORKLET_SOURCE);
    const { port1, port2 } = new MessageChannel();
    const frames: Float32Array[] = [];
    port2.on('message', (m: { type: string; pcm: Float32Array }) => frames.push(m.pcm));
    capture.port.onmessage?.({ data: { type: 'port', port: port1 } });
    for (let q = 0; q < 30; q++) capture.process([[Float32Array.from({ length: 128 }, (_, i) => (q * 128 + i) / 10_000)]], []);
    await new Promise((r) => setTimeout(r, 50));
    expect(frames.map((f) => f.length)).toEqual([960, 960, 960, 960]); // 3840 of 3840 samples
    expect(frames[1]![0]).toBeCloseTo(960 / 10_000, 6);
    port2.close();
  });

  it('the player starts after two queued frames, plays them in order and counts an underrun', () => {
    const player = load(PLAYER_WORKLET_SOURCE);
    const out = [new Float32Array(128), new Float32Array(128)];
    player.push?.({ type: 'pcm', pcm: new Int16Array(960).fill(16384) });
    player.process([], [out]);
    expect(out[0]![0]).toBe(0); // one frame queued: still waiting
    player.push?.({ type: 'pcm', pcm: new Int16Array(960).fill(-8192) });
    let played: number[] = [];
    for (let q = 0; q < 16; q++) {
      player.process([], [out]);
      played = played.concat([...out[0]!]);
    }
    expect(played.slice(0, 960).every((v) => v === 0.5)).toBe(true);
    expect(played.slice(960, 1920).every((v) => v === -0.25)).toBe(true);
    expect(played.slice(1920).every((v) => v === 0)).toBe(true);
    expect(out[1]).toEqual(out[0]);
    const stats: unknown[] = [];
    player.port.postMessage = (m: unknown) => stats.push(m);
    player.port.onmessage?.({ data: { type: 'stats' } });
    expect(stats[0]).toMatchObject({ underruns: 1 });
  });
});
