// The desktop app's native voice pipeline (plain Node: it runs in Electron's main process and in
// headless tests alike). Microphone frames arrive from the renderer over a message port; the input
// volume, the noise expander and the gate (voice activity or push-to-talk) apply; open frames are
// Opus-encoded, sealed and sent over UDP by the SDK's VoiceClient, the same protocol bots speak.
// Received streams come out of the VoiceClient's jitter buffers and decoders (FEC, PLC) per user,
// are mixed with per-user volume and local mute, and go back over the port as 20 ms frames.
import { performance } from 'node:perf_hooks';
import { Mixer, rmsDbfs, type OpusBackend } from '@concord/media';
import { VoiceClient, type ReceivedFrame, type VoiceClientState, type VoiceConnectionInfo } from '@concord/client/voice';
import { VoiceCloseCode } from '@concord/protocol';
import type { ClientSettings } from '../../shared/bridge.ts';
import { InputGate } from './InputGate.ts';
import { NoiseExpander } from './NoiseExpander.ts';
import type { PipelinePort } from './PipelinePort.ts';
import { parseInboundMessage, PIPELINE_FRAME_SAMPLES, type OutboundMessage, type PipelineState, type PipelineStats } from './pipelineMessages.ts';

/** The settings sections the pipeline follows (the same ones the web client's engine reads). */
export type PipelineSettings = Pick<ClientSettings, 'voice' | 'voiceInput'>;

export interface NativeVoicePipelineOptions {
  readonly port: PipelinePort;
  readonly settings: PipelineSettings;
  readonly selfMute?: boolean;
  readonly selfDeaf?: boolean;
  /** PEM to trust for a self-signed voice gateway. */
  readonly ca?: string | Buffer | undefined;
  readonly backend?: OpusBackend | undefined;
  /** Clock for the push-to-talk release delay and speaking hangovers (tests step it). */
  readonly nowMs?: () => number;
  readonly statsIntervalMs?: number;
}

/** A remote user counts as speaking this long after a frame above SPEAKING_DBFS. */
const SPEAKING_HANGOVER_MS = 300;
const SPEAKING_DBFS = -50;
/** Input level posts for the meter: every 5th frame (10 per second). */
const LEVEL_EVERY_FRAMES = 5;
const HOUSEKEEPING_MS = 100;
/** Close codes after which the renderer should not try again (left, kicked, bad token). */
const FINAL_CODES: ReadonlySet<number> = new Set([VoiceCloseCode.Disconnected, VoiceCloseCode.AuthenticationFailed, VoiceCloseCode.ServerNotFound]);

export class NativeVoicePipeline {
  private voice: VoiceClient | null = null;
  private selfUserId = '';
  private settings: PipelineSettings;
  private selfMute: boolean;
  private selfDeaf: boolean;
  private readonly gate: InputGate;
  private readonly expander = new NoiseExpander();
  private readonly mixer = new Mixer(PIPELINE_FRAME_SAMPLES);
  private readonly userVolumes = new Map<string, number>();
  private readonly pending = new Map<string, Int16Array[]>();
  private flushQueued = false;
  /** Remote speakers: stream key -> last voiced frame time; present while speaking. */
  private readonly speakingSince = new Map<string, number>();
  private selfSpeaking = false;
  private sending = false;
  private framesIn = 0;
  private inputDropped = 0;
  private framesPosted = 0;
  private readonly housekeeping: ReturnType<typeof setInterval>;
  private lastStatsAtMs: number;
  private closed = false;
  private readonly nowMs: () => number;

  constructor(private readonly options: NativeVoicePipelineOptions) {
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.settings = options.settings;
    this.selfMute = options.selfMute ?? false;
    this.selfDeaf = options.selfDeaf ?? false;
    this.gate = new InputGate(options.settings.voiceInput, this.nowMs);
    this.lastStatsAtMs = this.nowMs();
    options.port.onMessage((data) => { this.onPortMessage(data); });
    this.housekeeping = setInterval(() => { this.tickHousekeeping(); }, HOUSEKEEPING_MS);
  }

  /** Dials the voice server named by VOICE_SERVER_UPDATE (the renderer's session did op 4). */
  connect(target: VoiceConnectionInfo): void {
    this.voice?.close();
    this.selfUserId = target.userId;
    const voice = new VoiceClient({ ...target, channels: 1, ca: this.options.ca, backend: this.options.backend });
    voice.on('stateChange', (_old, next) => { if (this.voice === voice) this.onVoiceState(next); });
    voice.on('audio', (frame) => { if (this.voice === voice) this.onAudio(frame); });
    voice.on('clientDisconnect', (userId) => { this.forgetStream(userId); });
    this.voice = voice;
    this.sending = false;
    voice.connect();
  }

  setSettings(settings: PipelineSettings): void {
    this.settings = settings;
    this.gate.setSettings(settings.voiceInput);
    for (const key of this.userVolumes.keys()) this.applyGain(key);
  }

  setSelfFlags(selfMute: boolean, selfDeaf: boolean): void {
    this.selfMute = selfMute;
    this.selfDeaf = selfDeaf;
    if (selfDeaf) this.pending.clear();
  }

  /** Per-user volume (0-200 %) and local mute, as the web client's user menu sets them. */
  setUserAudio(userId: string, volumePercent: number, localMute: boolean): void {
    this.userVolumes.set(userId, volumePercent);
    this.applyGain(userId);
    this.mixer.setMuted(userId, localMute);
  }

  /** The push-to-talk key (the global key hook arrives with the next issue; IPC calls this now). */
  setPushToTalk(down: boolean): void {
    this.gate.setPushToTalk(down);
  }

  stats(): PipelineStats {
    const s = this.voice?.stats();
    return {
      pingMs: s?.pingMs ?? -1,
      packetsSent: s?.sent.packets ?? 0,
      inputDropped: this.inputDropped,
      framesPosted: this.framesPosted,
      users: (s?.streams ?? []).map((x) => ({ userId: x.userId ?? `ssrc:${x.ssrc}`, packetsReceived: x.packetsReceived, packetsLost: x.packetsLost, concealedFrames: x.concealedFrames, jitterMs: x.jitterMs })),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.housekeeping);
    this.voice?.close();
    this.voice = null;
    this.options.port.close();
  }

  // ---- sending ----

  private onPortMessage(data: unknown): void {
    if (this.closed) return;
    const message = parseInboundMessage(data);
    if (message === null) {
      this.inputDropped++;
      return;
    }
    // The parsed frame may be the renderer's own buffer (structured clone gave us a copy, but Int16
    // frames pass through unconverted): process a copy we own.
    const pcm = Int16Array.from(message.pcm);
    applyGain(pcm, this.settings.voice.inputVolume / 100);
    if (this.settings.voiceInput.noiseSuppression) this.expander.process(pcm);
    const open = this.gate.process(pcm) && !this.selfMute;
    const voice = this.voice;
    if (open && voice !== null && voice.state.status === 'ready') {
      voice.sendPcm(pcm);
      this.sending = true;
    } else if (this.sending) {
      voice?.endSpurt();
      this.sending = false;
    }
    if (open !== this.selfSpeaking) {
      this.selfSpeaking = open;
      this.post({ type: 'speaking', userId: this.selfUserId, speaking: open, self: true });
    }
    if (++this.framesIn % LEVEL_EVERY_FRAMES === 0) this.post({ type: 'inputLevel', db: this.gate.levelDbfs });
  }

  // ---- receiving ----

  private onAudio(frame: ReceivedFrame): void {
    if (this.selfDeaf) return;
    const key = frame.userId ?? `ssrc:${frame.ssrc}`;
    let queue = this.pending.get(key);
    if (queue === undefined) {
      this.pending.set(key, (queue = []));
      if (!this.userVolumes.has(key)) this.applyGain(key);
    }
    queue.push(frame.pcm);
    // The receiver's playout clock hands out every stream's frame for a tick synchronously: mix
    // them together once it is done.
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => { this.flushMix(); });
    }
  }

  private flushMix(): void {
    this.flushQueued = false;
    const nowMs = this.nowMs();
    for (;;) {
      const frames: [string, Int16Array][] = [];
      for (const [key, queue] of this.pending) {
        const pcm = queue.shift();
        if (pcm !== undefined) frames.push([key, pcm]);
      }
      if (frames.length === 0) break;
      for (const [key, pcm] of frames) if (rmsDbfs(pcm) >= SPEAKING_DBFS) this.markSpeaking(key, nowMs);
      // mix() reuses its output: the port gets a copy (structured clone would copy it anyway).
      this.post({ type: 'pcm', pcm: this.mixer.mix(frames).slice() });
      this.framesPosted++;
    }
    for (const [key, queue] of this.pending) if (queue.length === 0) this.pending.delete(key);
  }

  private markSpeaking(key: string, nowMs: number): void {
    if (!this.speakingSince.has(key)) this.post({ type: 'speaking', userId: key, speaking: true, self: false });
    this.speakingSince.set(key, nowMs);
  }

  private forgetStream(userId: string): void {
    this.pending.delete(userId);
    if (this.speakingSince.delete(userId)) this.post({ type: 'speaking', userId, speaking: false, self: false });
  }

  private applyGain(key: string): void {
    const userPercent = this.userVolumes.get(key) ?? 100;
    this.mixer.setGain(key, (userPercent / 100) * (this.settings.voice.outputVolume / 100));
  }

  // ---- lifecycle ----

  private onVoiceState(next: VoiceClientState): void {
    switch (next.status) {
      case 'ready':
        return this.postState({ status: 'connected' });
      case 'closed':
        return this.postState({ status: 'lost', code: next.code, reason: next.reason, final: FINAL_CODES.has(next.code) });
      case 'connecting':
        return this.postState({ status: 'connecting' });
      case 'idle':
      case 'handshaking':
      case 'resuming':
      case 'waiting':
        return;
      default:
        return missingCase(next);
    }
  }

  private tickHousekeeping(): void {
    const nowMs = this.nowMs();
    for (const [key, atMs] of this.speakingSince) {
      if (nowMs - atMs < SPEAKING_HANGOVER_MS) continue;
      this.speakingSince.delete(key);
      this.post({ type: 'speaking', userId: key, speaking: false, self: false });
    }
    if (nowMs - this.lastStatsAtMs >= (this.options.statsIntervalMs ?? 1000)) {
      this.lastStatsAtMs = nowMs;
      this.post({ type: 'stats', stats: this.stats() });
    }
  }

  private postState(state: PipelineState): void {
    this.post({ type: 'state', state });
  }

  private post(message: OutboundMessage): void {
    if (!this.closed) this.options.port.post(message);
  }
}

function applyGain(pcm: Int16Array, gain: number): void {
  if (gain === 1) return;
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round((pcm[i] ?? 0) * gain)));
}

function missingCase(value: never): never {
  throw new Error(`unhandled voice state ${JSON.stringify(value)}`);
}
