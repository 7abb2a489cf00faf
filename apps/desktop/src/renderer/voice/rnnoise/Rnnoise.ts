// RNNoise (Xiph's recurrent-network noise suppressor) from @jitsi/rnnoise-wasm's rnnoise.wasm,
// instantiated without the package's Emscripten glue so it runs the same in an AudioWorklet (no
// fetch, no document) and in Node (the unit test). The module's ABI, pinned to 0.2.1: it imports
// a.a (resize heap) and a.b (memcpy big) and exports c (memory), d (static constructors),
// f (rnnoise_create), g (malloc), h (rnnoise_destroy), i (free), j (rnnoise_process_frame).
// A frame is 480 samples at 48 kHz, in 16-bit range floats; processing is in place.

/** Samples per RNNoise frame (10 ms at 48 kHz). */
export const RNNOISE_FRAME = 480;

interface RnnoiseExports {
  c: WebAssembly.Memory;
  d: () => void;
  f: (model: number) => number;
  g: (bytes: number) => number;
  h: (state: number) => void;
  i: (ptr: number) => void;
  j: (state: number, out: number, input: number) => number;
}

function exportsOf(instance: WebAssembly.Instance): RnnoiseExports {
  const e = instance.exports;
  const fns = ['d', 'f', 'g', 'h', 'i', 'j'] as const;
  if (!(e['c'] instanceof WebAssembly.Memory) || fns.some((k) => typeof e[k] !== 'function')) throw new Error('rnnoise.wasm does not have the expected exports (a different @jitsi/rnnoise-wasm version?)');
  return e as unknown as RnnoiseExports;
}

export class Rnnoise {
  private readonly state: number;
  private readonly buffer: number;
  private destroyed = false;

  private constructor(private readonly wasm: RnnoiseExports) {
    this.state = wasm.f(0);
    this.buffer = wasm.g(RNNOISE_FRAME * 4);
    if (this.state === 0 || this.buffer === 0) throw new Error('rnnoise: out of memory');
  }

  /** Instantiates the module (bytes or a compiled module) and creates one denoiser state. */
  static async create(wasm: BufferSource | WebAssembly.Module): Promise<Rnnoise> {
    let memory: WebAssembly.Memory | null = null;
    const imports = {
      a: {
        // emscripten_resize_heap: grow to at least `requested` bytes (64 KiB pages).
        a: (requested: number): number => {
          if (!memory) return 0;
          const need = (requested >>> 0) - memory.buffer.byteLength;
          if (need <= 0) return 1;
          try {
            memory.grow(Math.ceil(need / 65536));
            return 1;
          } catch {
            return 0;
          }
        },
        // emscripten_memcpy_big(dest, src, n)
        b: (dest: number, src: number, n: number): void => {
          if (!memory) return;
          const heap = new Uint8Array(memory.buffer);
          heap.copyWithin(dest, src, src + n);
        },
      },
    };
    const instance = wasm instanceof WebAssembly.Module ? await WebAssembly.instantiate(wasm, imports) : (await WebAssembly.instantiate(wasm, imports)).instance;
    const e = exportsOf(instance);
    memory = e.c;
    e.d();
    return new Rnnoise(e);
  }

  /**
   * Denoises one frame of RNNOISE_FRAME samples in [-1, 1] in place; returns the voice activity
   * probability RNNoise computed for it (0..1).
   */
  processFrame(frame: Float32Array): number {
    if (this.destroyed) return 0;
    if (frame.length !== RNNOISE_FRAME) throw new Error(`rnnoise frames are ${String(RNNOISE_FRAME)} samples`);
    // The heap view is made per call: memory.grow() detaches older views.
    const heap = new Float32Array(this.wasm.c.buffer, this.buffer, RNNOISE_FRAME);
    for (let i = 0; i < RNNOISE_FRAME; i++) heap[i] = (frame[i] ?? 0) * 32768;
    const vad = this.wasm.j(this.state, this.buffer, this.buffer);
    for (let i = 0; i < RNNOISE_FRAME; i++) frame[i] = (heap[i] ?? 0) / 32768;
    return vad;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.wasm.h(this.state);
    this.wasm.i(this.buffer);
  }
}
