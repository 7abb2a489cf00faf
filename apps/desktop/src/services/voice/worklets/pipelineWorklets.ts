// AudioWorklet processors for the renderer's side of the native pipeline, as source strings the
// renderer can load with `audioWorklet.addModule(URL.createObjectURL(new Blob([source])))` (the
// renderer wiring is not written yet). Both run in an AudioContext created at 48 kHz and talk to
// the pipeline's port directly: the renderer transfers its end of the frame port into the worklet
// (`node.port.postMessage({ type: 'port', port }, [port])`), so frames never touch the main thread.
// Capture: 128-sample render quanta -> 960-sample Float32 frames `{ type: 'pcm', pcm }`.
// Player: mixed Int16 frames from the pipeline into a ring buffer (about 100 ms of headroom),
// silence on underrun; every other message is left for the renderer's own listener.

export const CAPTURE_PROCESSOR_NAME = 'concord-native-capture';
export const PLAYER_PROCESSOR_NAME = 'concord-native-player';

export const CAPTURE_WORKLET_SOURCE = `
class ConcordNativeCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(960);
    this.filled = 0;
    this.out = null;
    this.port.onmessage = (event) => { if (event.data && event.data.type === 'port' && event.data.port) this.out = event.data.port; };
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel || this.out === null) return true;
    let offset = 0;
    while (offset < channel.length) {
      const n = Math.min(960 - this.filled, channel.length - offset);
      this.frame.set(channel.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === 960) {
        const pcm = this.frame;
        this.frame = new Float32Array(960);
        this.filled = 0;
        this.out.postMessage({ type: 'pcm', pcm }, [pcm.buffer]);
      }
    }
    return true;
  }
}
registerProcessor('${CAPTURE_PROCESSOR_NAME}', ConcordNativeCapture);
`;

export const PLAYER_WORKLET_SOURCE = `
class ConcordNativePlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ring = new Float32Array(48000);
    this.read = 0;
    this.write = 0;
    this.buffered = 0;
    this.underruns = 0;
    this.overruns = 0;
    this.started = false;
    this.port.onmessage = (event) => {
      const data = event.data;
      if (data && data.type === 'port' && data.port) data.port.addEventListener('message', (e) => this.push(e.data)), data.port.start();
      else if (data && data.type === 'stats') this.port.postMessage({ type: 'playerStats', underruns: this.underruns, overruns: this.overruns, bufferedSamples: this.buffered });
    };
  }
  push(data) {
    if (!data || data.type !== 'pcm' || !(data.pcm instanceof Int16Array)) return;
    const pcm = data.pcm;
    // More than 200 ms queued: drop the oldest to keep latency bounded.
    if (this.buffered + pcm.length > 9600) {
      const drop = this.buffered + pcm.length - 4800;
      this.read = (this.read + drop) % this.ring.length;
      this.buffered -= drop;
      this.overruns++;
    }
    for (let i = 0; i < pcm.length; i++) {
      this.ring[this.write] = pcm[i] / 32768;
      this.write = (this.write + 1) % this.ring.length;
    }
    this.buffered += pcm.length;
  }
  process(_inputs, outputs) {
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    const first = out[0];
    // Start playing once two frames are queued (40 ms of jitter headroom).
    if (!this.started && this.buffered >= 1920) this.started = true;
    for (let i = 0; i < first.length; i++) {
      if (this.started && this.buffered > 0) {
        first[i] = this.ring[this.read];
        this.read = (this.read + 1) % this.ring.length;
        this.buffered--;
      } else {
        first[i] = 0;
        if (this.started) { this.underruns++; this.started = false; }
      }
    }
    for (let c = 1; c < out.length; c++) out[c].set(first);
    return true;
  }
}
registerProcessor('${PLAYER_PROCESSOR_NAME}', ConcordNativePlayer);
`;
