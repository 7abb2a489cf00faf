// The desktop's voice engine: the renderer only captures and plays, the main process
// (services/voice/NativeVoicePipeline) gates, encodes, sends UDP, receives, decodes and mixes.
// connect(): asks the bridge for a frame port (it arrives as a window message), loads the
// `concord-native-voice` AudioWorklet on the page's AudioContext, transfers the port into it, feeds
// it the microphone (MicrophoneCapture: the same device, constraints and RNNoise as the WebRTC
// engine; the input volume is the pipeline's to apply) and plays its output on the context (which
// the chosen output device is set on), then starts the pipeline with the voice server's details.
// If the pipeline cannot start (no port, start refused, the worklet fails, main never says
// anything) it reports `unavailable` instead of `lost`, and the caller falls back to WebRTC.
import type { NativeVoiceBridge, NativeVoiceStats } from '../../shared/voiceBridge.ts';
import { VOICE_PORT_WINDOW_MESSAGE } from '../../shared/voiceBridge.ts';
import type { ClientSettings } from '../../shared/bridge.ts';
import { audioContext } from './audioContext.dom.ts';
import { MicrophoneCapture, type MicrophoneSettings } from './MicrophoneCapture.dom.ts';
import workletUrl from './nativeVoice.worklet.ts?worker&url';
import { decodeNativeVoiceMessage, type NativeVoiceMessage, type NativeWorkletStats } from './nativeVoiceMessages.ts';
import type { VoiceEngine, VoiceEngineEvents, VoiceEngineOptions, VoiceEngineTarget } from './VoiceEngine.ts';

export interface NativeVoiceEngineEvents extends VoiceEngineEvents {
  /** The pipeline could not be started; nothing was connected (the caller may use another engine). */
  unavailable(reason: string): void;
}

export interface NativeVoiceTimeouts {
  /** From openPort() until the port's window message. */
  portMs: number;
  /** From start() until the pipeline's first message (it posts its state and stats at once). */
  firstMessageMs: number;
}

const DEFAULT_TIMEOUTS: NativeVoiceTimeouts = { portMs: 3_000, firstMessageMs: 5_000 };
const PROCESSOR_NAME = 'concord-native-voice';
const STATS_REPLY_TIMEOUT_MS = 1_000;

export interface NativeVoiceEngineStats {
  phase: Phase['status'];
  /** The pipeline's figures from main (null when it does not run). */
  pipeline: NativeVoiceStats | null;
  /** The worklet's capture and playback counts (null before it runs). */
  worklet: NativeWorkletStats | null;
  noiseSuppressor: string;
  /** Messages from the worklet that did not decode. */
  malformed: number;
}

/**
 * `opening`: waiting for the port; `starting`: worklet and microphone up, pipeline asked to start,
 * not heard from yet; `live`: the pipeline talks (from here failures are `lost`, not `unavailable`).
 */
type Phase = { status: 'idle' } | { status: 'opening' } | { status: 'starting' } | { status: 'live'; connected: boolean } | { status: 'closed' };

class Unavailable extends Error {}

const workletModules = new WeakMap<BaseAudioContext, Promise<void>>();

function addWorkletModule(ctx: BaseAudioContext): Promise<void> {
  let added = workletModules.get(ctx);
  if (!added) {
    added = ctx.audioWorklet.addModule(workletUrl);
    workletModules.set(ctx, added);
    added.catch(() => workletModules.delete(ctx));
  }
  return added;
}

interface SinkSettable {
  setSinkId(id: string): Promise<void>;
  readonly sinkId: string;
}
const hasSinkId = (x: object): x is SinkSettable => 'setSinkId' in x && typeof x.setSinkId === 'function';

/** The pipeline applies the input volume itself: the microphone graph stays at 100 %. */
const microphoneSettings = (s: ClientSettings): MicrophoneSettings => ({ voice: { ...s.voice, inputVolume: 100 }, voiceInput: s.voiceInput });

export class NativeVoiceEngine implements VoiceEngine {
  private phase: Phase = { status: 'idle' };
  private settings: ClientSettings;
  private selfMute: boolean;
  private selfDeaf: boolean;
  private serverMute = false;
  private readonly userAudio = new Map<string, { volume: number; localMute: boolean }>();
  private ctx: AudioContext | null = null;
  private node: AudioWorkletNode | null = null;
  private mic: MicrophoneCapture | null = null;
  private micSource: { track: MediaStreamTrack; node: MediaStreamAudioSourceNode } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private removePortListener: (() => void) | null = null;
  private pendingStats: ((stats: NativeWorkletStats | null) => void)[] = [];
  private readonly rings = new Set<string>();
  private malformed = 0;

  constructor(
    private readonly bridge: NativeVoiceBridge,
    options: VoiceEngineOptions,
    private readonly events: NativeVoiceEngineEvents,
    private readonly timeouts: NativeVoiceTimeouts = DEFAULT_TIMEOUTS,
  ) {
    this.settings = options.settings;
    this.selfMute = options.selfMute;
    this.selfDeaf = options.selfDeaf;
  }

  connect(target: VoiceEngineTarget): void {
    if (this.phase.status !== 'idle') return;
    this.phase = { status: 'opening' };
    this.start(target).catch((err: unknown) => {
      if (this.phase.status === 'closed') return;
      const reason = err instanceof Error ? err.message : String(err);
      if (this.phase.status === 'live') return this.fail(4900, reason);
      this.close();
      this.events.unavailable(reason);
    });
  }

  setSettings(settings: ClientSettings): void {
    this.settings = settings;
    // Gate, volumes and noise settings reach the pipeline through the settings store in main.
    if (this.mic) this.mic.apply(microphoneSettings(settings)).then(() => this.wireMicrophone(), (err: unknown) => console.warn('microphone settings not applied', err));
    this.applyOutputDevice();
  }

  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void {
    this.selfMute = selfMute;
    this.selfDeaf = selfDeaf;
    this.sendFlags();
  }

  setServerMute(mute: boolean): void {
    this.serverMute = mute;
    this.sendFlags();
  }

  setUserAudio(userId: string, volume: number, localMute: boolean): void {
    this.userAudio.set(userId, { volume, localMute });
    if (this.phase.status === 'starting' || this.phase.status === 'live') this.sendUserAudio(userId);
  }

  pushToTalk(down: boolean): void {
    if (this.phase.status === 'closed') return;
    this.bridge.setPushToTalk(down).catch((err: unknown) => console.warn('push-to-talk not passed to the voice pipeline', err));
  }

  close(): void {
    if (this.phase.status === 'closed') return;
    const wasRunning = this.phase.status !== 'idle';
    this.phase = { status: 'closed' };
    this.clearTimer();
    this.removePortListener?.();
    this.removePortListener = null;
    if (wasRunning) this.bridge.stop().catch((err: unknown) => console.warn('voice pipeline did not stop', err));
    this.node?.port.postMessage({ type: 'stop' });
    this.node?.disconnect();
    this.node = null;
    this.micSource?.node.disconnect();
    this.micSource = null;
    this.mic?.close();
    this.mic = null;
    for (const resolve of this.pendingStats) resolve(null);
    this.pendingStats = [];
    for (const userId of this.rings) this.events.speaking(userId, false);
    this.rings.clear();
  }

  /** The pipeline's and the worklet's figures (tests and the debug console read them). */
  async stats(): Promise<NativeVoiceEngineStats> {
    const [pipeline, worklet] = await Promise.all([this.bridge.stats().catch(() => null), this.workletStats()]);
    return { phase: this.phase.status, pipeline, worklet, noiseSuppressor: this.mic?.noiseSuppressor ?? 'none', malformed: this.malformed };
  }

  // ---- starting ----

  private async start(target: VoiceEngineTarget): Promise<void> {
    const ctx = audioContext();
    if (!ctx) throw new Unavailable('this renderer has no Web Audio');
    this.ctx = ctx;
    const [port] = await Promise.all([this.receivePort(), addWorkletModule(ctx)]);
    if (this.isClosed()) {
      port.close();
      return;
    }
    const node = new AudioWorkletNode(ctx, PROCESSOR_NAME, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit' });
    this.node = node;
    node.port.onmessage = (event: MessageEvent<unknown>) => this.onWorkletMessage(event.data);
    node.port.postMessage({ type: 'port', port }, [port]);
    node.connect(ctx.destination);
    this.applyOutputDevice();
    const mic = await MicrophoneCapture.open(ctx, microphoneSettings(this.settings));
    if (this.isClosed()) {
      mic.close();
      return;
    }
    this.mic = mic;
    this.wireMicrophone();
    this.phase = { status: 'starting' };
    const started = await this.bridge.start({ endpoint: target.endpoint, token: target.token, sessionId: target.sessionId, serverId: target.serverId, userId: target.userId }, this.pipelineFlags());
    if (this.isClosed()) return;
    if (!started) throw new Unavailable('the main process has no frame port from this window');
    for (const userId of this.userAudio.keys()) this.sendUserAudio(userId);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.phase.status !== 'starting') return;
      this.close();
      this.events.unavailable(`the voice pipeline said nothing within ${String(this.timeouts.firstMessageMs)} ms`);
    }, this.timeouts.firstMessageMs);
  }

  private isClosed(): boolean {
    return this.phase.status === 'closed';
  }

  /** openPort(), then the port from the window message the bridge posts. */
  private receivePort(): Promise<MessagePort> {
    return new Promise((resolve, reject) => {
      const onMessage = (event: MessageEvent<unknown>) => {
        const data = event.data;
        if (event.source !== window || typeof data !== 'object' || data === null || Reflect.get(data, 'type') !== VOICE_PORT_WINDOW_MESSAGE) return;
        const port = event.ports.length === 1 ? event.ports[0] : undefined;
        if (port === undefined) return;
        done();
        resolve(port);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Unavailable(`no voice frame port within ${String(this.timeouts.portMs)} ms`));
      }, this.timeouts.portMs);
      const done = () => {
        clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        this.removePortListener = null;
      };
      this.removePortListener = () => {
        done();
        reject(new Unavailable('closed'));
      };
      window.addEventListener('message', onMessage);
      this.bridge.openPort().catch((err: unknown) => {
        done();
        reject(new Unavailable(`openPort failed: ${err instanceof Error ? err.message : String(err)}`));
      });
    });
  }

  /** The microphone's current track into the worklet (the track changes with RNNoise and the device). */
  private wireMicrophone(): void {
    const { ctx, node, mic } = this;
    if (!ctx || !node || !mic || this.isClosed()) return;
    const track = mic.track;
    if (this.micSource?.track === track) return;
    this.micSource?.node.disconnect();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    source.connect(node);
    this.micSource = { track, node: source };
  }

  private applyOutputDevice(): void {
    const ctx = this.ctx;
    if (!ctx || !this.node || !hasSinkId(ctx)) return;
    const sinkId = this.settings.voice.outputDeviceId ?? '';
    if (ctx.sinkId !== sinkId) ctx.setSinkId(sinkId).catch((err: unknown) => console.warn('output device not applied to the audio context', err));
  }

  // ---- running ----

  private onWorkletMessage(data: unknown): void {
    const message = decodeNativeVoiceMessage(data);
    if (message === null) {
      this.malformed++;
      return;
    }
    if (message.type === 'workletStats') {
      const { type: _type, ...stats } = message;
      this.pendingStats.shift()?.(stats);
      return;
    }
    if (this.isClosed()) return;
    if (this.phase.status === 'starting') {
      this.clearTimer();
      this.phase = { status: 'live', connected: false };
    }
    this.onPipelineMessage(message);
  }

  private onPipelineMessage(message: Exclude<NativeVoiceMessage, { type: 'workletStats' }>): void {
    switch (message.type) {
      case 'state':
        if (message.state.status === 'connected' && this.phase.status === 'live' && !this.phase.connected) {
          this.phase = { status: 'live', connected: true };
          this.events.connected();
        } else if (message.state.status === 'lost') this.fail(message.state.code, message.state.reason, message.state.final);
        return;
      case 'speaking':
        // Streams the pipeline could not name yet are keyed `ssrc:<n>`: no member to ring.
        if (!/^\d{1,20}$/.test(message.userId)) return;
        if (message.speaking) this.rings.add(message.userId);
        else this.rings.delete(message.userId);
        this.events.speaking(message.userId, message.speaking);
        return;
      case 'inputLevel':
        this.events.inputLevel(message.db);
        return;
      case 'stats':
        if (message.pingMs >= 0) this.events.ping(message.pingMs);
        return;
      default: {
        const never: never = message;
        throw new Error(`unhandled native voice message ${JSON.stringify(never)}`);
      }
    }
  }

  private workletStats(): Promise<NativeWorkletStats | null> {
    const node = this.node;
    if (!node) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.pendingStats.indexOf(reply);
        if (i >= 0) this.pendingStats.splice(i, 1);
        resolve(null);
      }, STATS_REPLY_TIMEOUT_MS);
      const reply = (stats: NativeWorkletStats | null) => {
        clearTimeout(timer);
        resolve(stats);
      };
      this.pendingStats.push(reply);
      node.port.postMessage({ type: 'stats' });
    });
  }

  /** Deafened or server-muted, nothing is sent either: the pipeline only knows "muted". */
  private pipelineFlags(): { selfMute: boolean; selfDeaf: boolean } {
    return { selfMute: this.selfMute || this.selfDeaf || this.serverMute, selfDeaf: this.selfDeaf };
  }

  private sendFlags(): void {
    if (this.phase.status !== 'starting' && this.phase.status !== 'live') return;
    const { selfMute, selfDeaf } = this.pipelineFlags();
    this.bridge.setSelfFlags(selfMute, selfDeaf).catch((err: unknown) => console.warn('mute/deafen not passed to the voice pipeline', err));
  }

  private sendUserAudio(userId: string): void {
    const audio = this.userAudio.get(userId);
    if (!audio || !/^\d{1,20}$/.test(userId)) return;
    const volume = Math.round(Math.min(200, Math.max(0, audio.volume)));
    this.bridge.setUserAudio(userId, volume, audio.localMute).catch((err: unknown) => console.warn('user volume not passed to the voice pipeline', err));
  }

  private fail(code: number, reason: string, final = false): void {
    if (this.isClosed()) return;
    this.close();
    this.events.lost(code, reason, final);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
