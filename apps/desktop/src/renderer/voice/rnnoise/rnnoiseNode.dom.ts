// Makes the `concord-rnnoise` AudioWorkletNode for a context: Vite bundles the processor
// (rnnoiseProcessor.worklet.ts, with Rnnoise.ts) as its own script and rnnoise.wasm as an asset;
// the page fetches the wasm bytes once and hands them to each node (a worklet cannot fetch).
// Needs 'wasm-unsafe-eval' in script-src (index.html, the desktop CSP).
import wasmUrl from '@jitsi/rnnoise-wasm/dist/rnnoise.wasm?url';
import processorUrl from './rnnoiseProcessor.worklet.ts?worker&url';

let wasmBytes: Promise<ArrayBuffer> | null = null;
const modulesAdded = new WeakMap<BaseAudioContext, Promise<void>>();

const READY_TIMEOUT_MS = 5_000;

function loadWasm(): Promise<ArrayBuffer> {
  wasmBytes ??= fetch(wasmUrl).then((r) => {
    if (!r.ok) throw new Error(`rnnoise.wasm: HTTP ${String(r.status)}`);
    return r.arrayBuffer();
  });
  wasmBytes.catch(() => {
    wasmBytes = null;
  });
  return wasmBytes;
}

function addModule(ctx: BaseAudioContext): Promise<void> {
  let added = modulesAdded.get(ctx);
  if (!added) {
    added = ctx.audioWorklet.addModule(processorUrl);
    modulesAdded.set(ctx, added);
    added.catch(() => modulesAdded.delete(ctx));
  }
  return added;
}

/** A mono RNNoise node, resolved once its wasm runs (rejects if it cannot). */
export async function createRnnoiseNode(ctx: BaseAudioContext): Promise<AudioWorkletNode> {
  if (ctx.sampleRate !== 48_000) throw new Error(`RNNoise needs 48 kHz; this audio context runs at ${String(ctx.sampleRate)} Hz`);
  const [wasm] = await Promise.all([loadWasm(), addModule(ctx)]);
  const node = new AudioWorkletNode(ctx, 'concord-rnnoise', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: 'explicit',
    processorOptions: { wasm: wasm.slice(0) },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('RNNoise did not start')), READY_TIMEOUT_MS);
    node.port.onmessage = (ev: MessageEvent<unknown>) => {
      const d = ev.data;
      if (typeof d !== 'object' || d === null) return;
      clearTimeout(timer);
      const error: unknown = Reflect.get(d, 'error');
      if (typeof error === 'string') reject(new Error(`RNNoise: ${error}`));
      else resolve();
    };
  });
  node.port.onmessage = null;
  return node;
}

/** Frames processed and mean voice probability so far (tests, the debug console). */
export function rnnoiseStats(node: AudioWorkletNode): Promise<{ frames: number; vad: number }> {
  return new Promise((resolve) => {
    node.port.onmessage = (ev: MessageEvent<{ frames: number; vad: number }>) => {
      node.port.onmessage = null;
      resolve(ev.data);
    };
    node.port.postMessage({ stats: true });
  });
}

/** Stops the processor (its state is freed) and disconnects the node. */
export function stopRnnoiseNode(node: AudioWorkletNode): void {
  node.port.postMessage({ stop: true });
  node.disconnect();
}
