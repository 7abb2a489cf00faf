// bench:voice-clients' in-page probe, installed with addInitScript before the web client loads. It
// records every RTCPeerConnection the page makes (so the bench can read per-stream getStats()) and
// detects tone-burst onsets with an AudioWorklet in its own AudioContext: "mouth" on the microphone
// track getUserMedia hands the page (the fake device playing a burst WAV), "ear" on every received
// WebRTC track. Onsets are timed in the probe context's render time and turned into epoch ms on the page's
// clock (performance.timeOrigin + the context's output timestamp, minus the stated output latency,
// so both ends are timed at render). The probe's context takes the latency hint of the page's own
// AudioContext (the one that plays what is received), so the way of a track into it costs what it
// costs the page. Runs inside the page: self-contained, no imports.

export interface VoiceProbeConfig {
  /** Detect onsets on the microphone track getUserMedia gives the page ("mouth"). */
  tapMic: boolean;
  /** Detect onsets on received tracks. */
  detectEar: boolean;
  /** Onset: |x| >= onLevel after at least quietMs below offLevel. */
  onLevel: number;
  offLevel: number;
  quietMs: number;
}

export interface ProbeOnset {
  kind: 'mouth' | 'ear';
  epochMs: number;
}

/** What the bench reads back (window.__voiceProbe). */
export interface VoiceProbeHandle {
  onsets: ProbeOnset[];
  errors: string[];
  /** inbound-rtp audio and outbound-rtp audio entries of every recorded peer connection. */
  rtpStats(): Promise<Record<string, unknown>[]>;
  /** The probe context's stated latencies (seconds). */
  latency(): { baseLatency: number; outputLatency: number } | null;
  /** The page's own first AudioContext: its latency hint and stated latencies (seconds). */
  pageLatency(): { latencyHint: string; baseLatency: number; outputLatency: number } | null;
}


/** Runs in the page (see voiceProbeInitScript): must stay self-contained. */
export function installVoiceProbe(config: VoiceProbeConfig): void {
  /** The onset detector (AudioWorklet source). Posts the context time of each onset's first sample. */
  const DETECTOR_SOURCE = `
  registerProcessor('bench-onset', class extends AudioWorkletProcessor {
    constructor(o) {
      super();
      const p = o.processorOptions;
      this.on = p.onLevel; this.off = p.offLevel; this.quietNeeded = Math.round(p.quietMs * sampleRate / 1000);
      this.quiet = 0; this.armed = false;
    }
    process(inputs) {
      const input = inputs[0];
      const n = input && input.length ? input[0].length : 128;
      for (let i = 0; i < n; i++) {
        let a = 0;
        if (input) for (const ch of input) a = Math.max(a, Math.abs(ch[i]));
        if (this.armed && a >= this.on) { this.port.postMessage(currentTime + i / sampleRate); this.armed = false; this.quiet = 0; }
        else if (a < this.off) { if (++this.quiet >= this.quietNeeded) this.armed = true; }
        else this.quiet = 0;
      }
      return true;
    }
  });`;
  const pcs: RTCPeerConnection[] = [];
  const onsets: ProbeOnset[] = [];
  const errors: string[] = [];
  let ctx: AudioContext | null = null;
  let ready: Promise<AudioContext> | null = null;

  const OriginalContext = window.AudioContext;
  let pageContext: { ctx: AudioContext; latencyHint: AudioContextLatencyCategory | number } | null = null;
  class RecordedAudioContext extends OriginalContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      pageContext ??= { ctx: this, latencyHint: options?.latencyHint ?? 'interactive' };
    }
  }
  window.AudioContext = RecordedAudioContext;

  const context = (): Promise<AudioContext> => {
    ready ??= (async () => {
      const ac = new OriginalContext({ latencyHint: pageContext?.latencyHint ?? 'interactive', sampleRate: 48_000 });
      ctx = ac;
      await ac.resume();
      const url = URL.createObjectURL(new Blob([DETECTOR_SOURCE], { type: 'text/javascript' }));
      await ac.audioWorklet.addModule(url);
      return ac;
    })();
    return ready;
  };

  /** Render time (context seconds) -> epoch ms on this page's clock. */
  const epochOf = (ac: AudioContext, contextTimeS: number): number => {
    const ts = ac.getOutputTimestamp();
    const outTime = (ts.performanceTime ?? 0) + (contextTimeS - (ts.contextTime ?? 0)) * 1000;
    return performance.timeOrigin + outTime - (ac.baseLatency + ac.outputLatency) * 1000;
  };

  const detector = (ac: AudioContext, kind: ProbeOnset['kind']): AudioWorkletNode => {
    const node = new AudioWorkletNode(ac, 'bench-onset', { processorOptions: { onLevel: config.onLevel, offLevel: config.offLevel, quietMs: config.quietMs } });
    node.port.onmessage = (e: MessageEvent<number>) => onsets.push({ kind, epochMs: epochOf(ac, e.data) });
    // A zero gain to the destination keeps the node pulled without making a sound.
    const sink = ac.createGain();
    sink.gain.value = 0;
    node.connect(sink).connect(ac.destination);
    return node;
  };

  let earNode: Promise<AudioWorkletNode> | null = null;
  const listen = (track: MediaStreamTrack) => {
    earNode ??= context().then((ac) => detector(ac, 'ear'));
    earNode.then(
      (node) => {
        const ac = ctx;
        if (ac) ac.createMediaStreamSource(new MediaStream([track])).connect(node);
      },
      (err: unknown) => errors.push(`ear detector: ${String(err)}`),
    );
  };

  const Original = window.RTCPeerConnection;
  class RecordedPeerConnection extends Original {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      pcs.push(this);
      if (config.detectEar) this.addEventListener('track', (e) => listen(e.track));
    }
  }
  window.RTCPeerConnection = RecordedPeerConnection;

  if (config.tapMic) {
    const devices = navigator.mediaDevices;
    const originalGum = devices.getUserMedia.bind(devices);
    let mouthNode: Promise<AudioWorkletNode> | null = null;
    devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await originalGum(constraints);
      const track = stream.getAudioTracks()[0];
      if (track) {
        // The same track the page's own graph takes: "mouth" is when the capture reaches Web Audio.
        mouthNode ??= context().then((ac) => detector(ac, 'mouth'));
        const node = await mouthNode;
        const ac = ctx;
        if (ac) ac.createMediaStreamSource(new MediaStream([track])).connect(node);
      }
      return stream;
    };
  }

  const handle: VoiceProbeHandle = {
    onsets,
    errors,
    async rtpStats() {
      const out: Record<string, unknown>[] = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const report = await pc.getStats();
        report.forEach((s: Record<string, unknown>) => {
          if ((s['type'] === 'inbound-rtp' || s['type'] === 'outbound-rtp') && s['kind'] === 'audio') out.push({ ...s });
        });
      }
      return out;
    },
    latency: () => (ctx ? { baseLatency: ctx.baseLatency, outputLatency: ctx.outputLatency } : null),
    pageLatency: () => (pageContext ? { latencyHint: String(pageContext.latencyHint), baseLatency: pageContext.ctx.baseLatency, outputLatency: pageContext.ctx.outputLatency } : null),
  };
  (window as unknown as { __voiceProbe: VoiceProbeHandle }).__voiceProbe = handle;
}

/**
 * The init script's source. A string rather than a function handed to Playwright: tsx compiles
 * with esbuild's keepNames, whose `__name` helper does not exist in the page, so it is stubbed.
 */
export function voiceProbeInitScript(config: VoiceProbeConfig): string {
  return `var __name = (f) => f; (${installVoiceProbe.toString()})(${JSON.stringify(config)});`;
}
