// The AudioWorkletProcessor `concord-native-voice`: the renderer's half of the desktop's native
// voice pipeline, on the audio thread. Its input is the microphone (after the browser's processing
// and RNNoise), its output plays the pipeline's mix. The page transfers the pipeline's frame port
// in ({type: 'port', port}); from then on 20 ms capture frames go straight to main and mixed frames
// come straight back, never touching the page's main thread. Everything else the pipeline posts
// (speaking, input level, state, stats) is forwarded to the page through the node's own port.
// Bundled by Vite as its own script (`?worker&url`): a blob: worklet would be refused by the CSP.
import { FrameChunker, NATIVE_FRAME_SAMPLES, PlaybackRing } from './nativeVoiceBuffers.ts';

// AudioWorkletGlobalScope, which lib.dom does not describe.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

class NativeVoiceProcessor extends AudioWorkletProcessor {
  private pipeline: MessagePort | null = null;
  private readonly chunker = new FrameChunker();
  private readonly ring = new PlaybackRing();
  private framesSent = 0;
  private dropped = 0;
  private stopped = false;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (typeof data !== 'object' || data === null) return;
      const type: unknown = Reflect.get(data, 'type');
      if (type === 'port') {
        const port: unknown = Reflect.get(data, 'port');
        if (port instanceof MessagePort) this.attach(port);
      } else if (type === 'stats') {
        this.port.postMessage({ type: 'workletStats', framesSent: this.framesSent, dropped: this.dropped, ...this.ring.stats() });
      } else if (type === 'stop') {
        this.stopped = true;
        this.pipeline?.close();
        this.pipeline = null;
      }
    };
  }

  private attach(port: MessagePort): void {
    this.pipeline?.close();
    this.pipeline = port;
    port.onmessage = (event: MessageEvent<unknown>) => this.fromPipeline(event.data);
  }

  /** Mixed frames into the ring; the rest to the page (which parses it). */
  private fromPipeline(data: unknown): void {
    if (typeof data === 'object' && data !== null && Reflect.get(data, 'type') === 'pcm') {
      const pcm: unknown = Reflect.get(data, 'pcm');
      if (pcm instanceof Int16Array && pcm.length === NATIVE_FRAME_SAMPLES) this.ring.push(pcm);
      else this.dropped++;
      return;
    }
    this.port.postMessage(data);
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const pipeline = this.pipeline;
    const input = inputs[0]?.[0];
    if (pipeline !== null && input !== undefined) {
      this.chunker.push(input, (frame) => {
        pipeline.postMessage({ type: 'pcm', pcm: frame }, [frame.buffer]);
        this.framesSent++;
      });
    }
    const out = outputs[0];
    const first = out?.[0];
    if (out !== undefined && first !== undefined) {
      this.ring.pull(first);
      for (let c = 1; c < out.length; c++) out[c]?.set(first);
    }
    return !this.stopped;
  }
}

registerProcessor('concord-native-voice', NativeVoiceProcessor);
