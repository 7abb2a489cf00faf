// What the browser engine hears: one ReceiveSlot per recvonly transceiver, each slot's SSRC (from
// the answer, else from the receiver's synchronization sources), who holds it (SlotOwners, fed by
// op 5), and the playback. With Web Audio: each slot's track -> its own GainNode (the holder's
// volume 0-200 %, 0 when locally muted) -> an analyser (what is played, for the stats) -> the
// output gain (output volume, 0 when deafened) -> the context's destination, on the chosen output
// device through AudioContext.setSinkId. Chromium only feeds a remote WebRTC track into Web Audio
// while a media element also holds it, so each slot keeps an element at volume 0 (not muted: a
// muted element stops WebRTC computing the receiver's audio level and energy stats). Without Web Audio, or
// with a chosen device the context cannot switch to, the slot's element plays (volume capped at 100 %).
// Received energy is measured on what plays: the analyser after the slot's gain, scaled by the
// output gain (0 deafened), and nothing while the context is not running (the browser has not let
// the page play sound yet): getStats()' totalAudioEnergy reads 0 here, as the elements are at 0.
import type { ClientSettings } from '../../shared/bridge.ts';
import { SlotOwners, ssrcsByMid } from './SlotOwners.ts';

export interface UserAudioSetting {
  volume: number;
  localMute: boolean;
}

interface SinkSettable {
  setSinkId(id: string): Promise<void>;
  readonly sinkId: string;
}

const hasSinkId = (x: object): x is SinkSettable => 'setSinkId' in x && typeof x.setSinkId === 'function';

class ReceiveSlot {
  ssrc: number | null = null;
  readonly element = new Audio();
  private readonly gain: GainNode | null = null;
  private readonly analyser: AnalyserNode | null = null;
  /** Before the gain: what arrives, for the ring (a locally muted user still shows speaking). */
  private readonly arriving: AnalyserNode | null = null;
  private readonly source: MediaStreamAudioSourceNode | null = null;
  private readonly samples: Float32Array<ArrayBuffer> | null = null;
  /** Sum over ticks of the played signal's mean square x seconds (the tests compare slots by it). */
  playedEnergy = 0;

  constructor(readonly receiver: RTCRtpReceiver, track: MediaStreamTrack, graph: { ctx: AudioContext; output: AudioNode } | null) {
    const stream = new MediaStream([track]);
    this.element.autoplay = true;
    this.element.srcObject = stream;
    if (graph) {
      this.element.volume = 0;
      this.source = graph.ctx.createMediaStreamSource(stream);
      this.arriving = graph.ctx.createAnalyser();
      this.arriving.fftSize = 1024;
      this.source.connect(this.arriving);
      this.gain = graph.ctx.createGain();
      this.analyser = graph.ctx.createAnalyser();
      this.analyser.fftSize = 2048;
      this.samples = new Float32Array(this.analyser.fftSize);
      this.source.connect(this.gain).connect(this.analyser).connect(graph.output);
    }
    this.element.play().catch((err: unknown) => console.warn('received audio could not start (autoplay?)', err));
  }

  /** `volume` 0..2 for this slot's holder; `outputVolume` 0..2 and `deaf` for the element path. */
  apply(volume: number, outputVolume: number, deaf: boolean, sinkId: string): void {
    if (this.gain) {
      this.gain.gain.value = volume;
      return;
    }
    this.element.muted = deaf;
    this.element.volume = Math.min(1, Math.max(0, volume * outputVolume));
    if (hasSinkId(this.element) && this.element.sinkId !== sinkId) this.element.setSinkId(sinkId).catch((err: unknown) => console.warn('output device not applied', err));
  }

  /** The received level (0..1, linear) of what arrives on this slot now. */
  level(): number {
    const rtp = this.receiver.getSynchronizationSources()[0]?.audioLevel ?? 0;
    if (!this.arriving || !this.samples) return rtp;
    const view = this.samples.subarray(0, this.arriving.fftSize);
    this.arriving.getFloatTimeDomainData(view);
    let peak = 0;
    for (const x of view) peak = Math.max(peak, Math.abs(x));
    return Math.max(rtp, peak);
  }

  /** Adds what this slot played during the last `seconds` (after its gain, times `outputGain`); returns it. */
  samplePlayed(seconds: number, outputGain: number): number {
    if (!this.analyser || !this.samples) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const x of this.samples) sum += x * x;
    const energy = (sum / this.samples.length) * outputGain * outputGain * seconds;
    this.playedEnergy += energy;
    return energy;
  }

  /** After the page may play sound: an element whose play() the autoplay policy refused starts now. */
  resume(): void {
    if (this.element.paused) this.element.play().catch((err: unknown) => console.warn('received audio could not start', err));
  }

  close(): void {
    this.element.pause();
    this.element.srcObject = null;
    this.source?.disconnect();
    this.arriving?.disconnect();
    this.gain?.disconnect();
    this.analyser?.disconnect();
  }
}

export interface SlotStats {
  ssrc: number | null;
  userId: string | null;
  gain: number;
  playedEnergy: number;
}

export interface ReceivedStats {
  slots: SlotStats[];
  /** userId -> energy played for that user since the connection began (over the slots they held). */
  energyByUser: Record<string, number>;
}

export class ReceivedAudio {
  readonly owners = new SlotOwners();
  private readonly slots: ReceiveSlot[] = [];
  private readonly userAudio = new Map<string, UserAudioSetting>();
  private output: GainNode | null = null;
  private sinkId = '';
  private outputVolume = 1;
  private deaf = false;
  private readonly energyByUser = new Map<string, number>();

  /**
   * Web Audio when there is a context that can play on the chosen device (setSinkId, or the default
   * device is chosen); decided once per connection. Otherwise the slots' elements play.
   */
  constructor(private readonly ctx: AudioContext | null, settings: ClientSettings['voice'], deaf: boolean) {
    if (ctx && (hasSinkId(ctx) || settings.outputDeviceId === null)) {
      this.output = ctx.createGain();
      this.output.connect(ctx.destination);
    }
    this.setOutput(settings, deaf);
  }

  /** Output device and volume (settings) and deafen. */
  setOutput(settings: ClientSettings['voice'], deaf: boolean): void {
    this.outputVolume = settings.outputVolume / 100;
    this.deaf = deaf;
    const sinkId = settings.outputDeviceId ?? '';
    if (sinkId !== this.sinkId) {
      this.sinkId = sinkId;
      if (this.output && this.ctx && hasSinkId(this.ctx)) {
        if (this.ctx.sinkId !== sinkId) this.ctx.setSinkId(sinkId).catch((err: unknown) => console.warn('output device not applied to the audio context', err));
      } else if (this.output) console.warn('this browser cannot move Web Audio to another output device; it applies when voice reconnects');
    }
    if (this.output) this.output.gain.value = deaf ? 0 : this.outputVolume;
    this.applyAll();
  }

  setUserAudio(userId: string, audio: UserAudioSetting): void {
    this.userAudio.set(userId, audio);
    this.applyAll();
  }

  /** A recvonly transceiver got its track (ontrack). */
  addTrack(receiver: RTCRtpReceiver, track: MediaStreamTrack): void {
    const graph = this.ctx && this.output ? { ctx: this.ctx, output: this.output } : null;
    this.slots.push(new ReceiveSlot(receiver, track, graph));
    this.applyAll();
  }

  /** The answer is in: each slot's SSRC from its m-line. */
  setAnswer(sdp: string, transceivers: readonly RTCRtpTransceiver[]): void {
    const byMid = ssrcsByMid(sdp);
    for (const slot of this.slots) {
      const mid = transceivers.find((t) => t.receiver === slot.receiver)?.mid;
      const ssrc = mid === null || mid === undefined ? undefined : byMid.get(mid);
      if (ssrc !== undefined) slot.ssrc = ssrc;
    }
    this.applyAll();
  }

  onSpeaking(userId: string, ssrc: number, speaking: number): void {
    const before = this.owners.ownerOf(ssrc);
    this.owners.onSpeaking(userId, ssrc, speaking);
    if (this.owners.ownerOf(ssrc) !== before || speaking !== 0) this.applyAll();
  }

  onDisconnect(userId: string): void {
    this.owners.onDisconnect(userId);
    this.applyAll();
  }

  /** Every tick: slot levels for the rings, played energy per user; returns who has a ring now. */
  tick(nowMs: number, seconds: number): Set<string> {
    let changed = false;
    // Nothing plays while the context is suspended (no user gesture yet): its analysers hold stale data.
    const outputGain = this.ctx?.state === 'running' && !this.deaf ? this.outputVolume : 0;
    for (const slot of this.slots) {
      const level = slot.level();
      if (slot.ssrc === null) {
        // No a=ssrc for this m-line: learn it from the RTP itself.
        const source = slot.receiver.getSynchronizationSources()[0]?.source;
        if (source !== undefined) {
          slot.ssrc = source;
          changed = true;
        }
      }
      if (slot.ssrc !== null) this.owners.observeLevel(slot.ssrc, level, nowMs);
      const played = slot.samplePlayed(seconds, outputGain);
      const owner = slot.ssrc === null ? undefined : this.owners.ownerOf(slot.ssrc);
      if (owner !== undefined) this.energyByUser.set(owner, (this.energyByUser.get(owner) ?? 0) + played);
    }
    if (changed) this.applyAll();
    return this.owners.rings(nowMs);
  }

  /** The page may play sound now (the context resumed): start elements the autoplay policy held. */
  resumePlayback(): void {
    for (const slot of this.slots) slot.resume();
  }

  stats(): ReceivedStats {
    const slots = this.slots.map((s) => {
      const userId = s.ssrc === null ? null : (this.owners.ownerOf(s.ssrc) ?? null);
      return { ssrc: s.ssrc, userId, gain: this.volumeOf(userId), playedEnergy: s.playedEnergy };
    });
    return { slots, energyByUser: Object.fromEntries(this.energyByUser) };
  }

  close(): void {
    for (const slot of this.slots) slot.close();
    this.slots.length = 0;
    this.output?.disconnect();
    this.owners.clear();
  }

  private volumeOf(userId: string | null): number {
    const audio = userId === null ? undefined : this.userAudio.get(userId);
    if (!audio) return 1;
    return audio.localMute ? 0 : Math.min(200, Math.max(0, audio.volume)) / 100;
  }

  private applyAll(): void {
    for (const slot of this.slots) {
      const userId = slot.ssrc === null ? null : (this.owners.ownerOf(slot.ssrc) ?? null);
      slot.apply(this.volumeOf(userId), this.outputVolume, this.deaf, this.sinkId);
    }
  }
}
