// The AudioWorkletProcessor `concord-rnnoise`: mono in, mono out, RNNoise on 480-sample frames.
// Render quanta are 128 samples, so input is queued until a frame is full, denoised, and queued
// for output (about 10 ms of added latency). Until the wasm is instantiated (its bytes come in
// processorOptions: a worklet cannot fetch) the input passes through. Posts {ready} or {error}
// once, and {frames, vad} when asked ({stats: true}) so the page can see it run.
import { RNNOISE_FRAME, Rnnoise } from './Rnnoise.ts';

// AudioWorkletGlobalScope, which lib.dom does not describe.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

/** Queue capacity: a frame being filled, a frame being drained, and slack. */
const CAPACITY = RNNOISE_FRAME * 4;

class RnnoiseProcessor extends AudioWorkletProcessor {
  private rnnoise: Rnnoise | null = null;
  private readonly frame = new Float32Array(RNNOISE_FRAME);
  private filled = 0;
  private readonly out = new Float32Array(CAPACITY);
  private outRead = 0;
  private outCount = 0;
  private frames = 0;
  private vadSum = 0;
  private stopped = false;

  constructor(options: { processorOptions?: unknown }) {
    super();
    const opts = options.processorOptions;
    const wasm: unknown = typeof opts === 'object' && opts !== null ? Reflect.get(opts, 'wasm') : undefined;
    if (!(wasm instanceof ArrayBuffer)) {
      this.port.postMessage({ error: 'no rnnoise.wasm bytes in processorOptions' });
      return;
    }
    Rnnoise.create(wasm).then(
      (rn) => {
        this.rnnoise = rn;
        // Start with one frame of silence queued so output never runs dry while a frame fills.
        this.outCount = RNNOISE_FRAME;
        this.port.postMessage({ ready: true });
      },
      (err: unknown) => this.port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
    );
    this.port.onmessage = (ev: MessageEvent<unknown>) => {
      const d = ev.data;
      if (typeof d !== 'object' || d === null) return;
      if (Reflect.get(d, 'stats') === true) this.port.postMessage({ frames: this.frames, vad: this.frames === 0 ? 0 : this.vadSum / this.frames });
      if (Reflect.get(d, 'stop') === true) {
        this.stopped = true;
        this.rnnoise?.destroy();
        this.rnnoise = null;
      }
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    const output = outputs[0]?.[0];
    if (!output) return !this.stopped;
    const rn = this.rnnoise;
    if (!rn) {
      if (input) output.set(input.subarray(0, output.length));
      return !this.stopped;
    }
    const n = output.length;
    for (let i = 0; i < n; i++) {
      this.frame[this.filled++] = input?.[i] ?? 0;
      if (this.filled === RNNOISE_FRAME) {
        this.vadSum += rn.processFrame(this.frame);
        this.frames++;
        this.filled = 0;
        for (let k = 0; k < RNNOISE_FRAME && this.outCount < CAPACITY; k++) {
          this.out[(this.outRead + this.outCount) % CAPACITY] = this.frame[k] ?? 0;
          this.outCount++;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      if (this.outCount === 0) {
        output[i] = 0;
        continue;
      }
      output[i] = this.out[this.outRead] ?? 0;
      this.outRead = (this.outRead + 1) % CAPACITY;
      this.outCount--;
    }
    return !this.stopped;
  }
}

registerProcessor('concord-rnnoise', RnnoiseProcessor);
