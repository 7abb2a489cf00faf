// The microphone as the voice engine and the settings meter use it: getUserMedia with the chosen
// device and the browser's echo cancellation / noise suppression / automatic gain control, then
// WebAudio: source -> [RNNoise AudioWorklet, when chosen] -> input-volume gain -> analyser (the
// level) and -> a MediaStream destination whose track WebRTC sends when the graph changes the sound
// (input volume not 100 %, RNNoise on). Otherwise WebRTC sends the device's own track: the trip
// through Web Audio and back costs mouth-to-ear time (issue 17). When the microphone cannot be
// opened the track is silence, so listening still works; when RNNoise cannot start, the microphone
// goes on without it.
import type { ClientSettings } from '../../shared/bridge.ts';
import { createRnnoiseNode, stopRnnoiseNode } from './rnnoise/rnnoiseNode.dom.ts';
import { rmsDb } from './VoiceGate.ts';

export type MicrophoneSettings = Pick<ClientSettings, 'voice' | 'voiceInput'>;

function constraintsOf(s: MicrophoneSettings): MediaTrackConstraints {
  return {
    ...(s.voice.inputDeviceId ? { deviceId: { exact: s.voice.inputDeviceId } } : {}),
    echoCancellation: s.voiceInput.echoCancellation,
    noiseSuppression: s.voiceInput.noiseSuppression,
    autoGainControl: s.voiceInput.autoGainControl,
    channelCount: 1,
  };
}

const constraintsKey = (s: MicrophoneSettings) => JSON.stringify(constraintsOf(s));

export class MicrophoneCapture {
  private source: MediaStreamAudioSourceNode | null = null;
  private stream: MediaStream | null = null;
  private readonly gain: GainNode;
  private readonly analyser: AnalyserNode;
  private readonly destination: MediaStreamAudioDestinationNode;
  private readonly samples: Float32Array<ArrayBuffer>;
  private key = '';
  private closed = false;
  private rnnoise: AudioWorkletNode | null = null;
  /** The RNNoise setting last asked for (a node may still be starting). */
  private rnnoiseWanted = false;
  private browserNoiseSuppression = false;
  /** Why the device could not be opened (null when it is open). */
  error: string | null = null;

  private constructor(private readonly ctx: AudioContext) {
    this.gain = ctx.createGain();
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.destination = ctx.createMediaStreamDestination();
    this.gain.connect(this.analyser);
    this.gain.connect(this.destination);
  }

  static async open(ctx: AudioContext, settings: MicrophoneSettings): Promise<MicrophoneCapture> {
    const capture = new MicrophoneCapture(ctx);
    await capture.apply(settings);
    return capture;
  }

  /**
   * The track to send: the device's track while the graph would pass it unchanged, else the graph's
   * output (the processed microphone, or silence). It changes with the settings and the device:
   * the sender re-reads it after apply().
   */
  get track(): MediaStreamTrack {
    const device = this.stream?.getAudioTracks()[0];
    if (device && this.rnnoise === null && this.gain.gain.value === 1) return device;
    const track = this.destination.stream.getAudioTracks()[0];
    if (!track) throw new Error('MediaStreamAudioDestinationNode without an audio track');
    return track;
  }

  /** The current level in dBFS after the input volume (-100: silence). */
  levelDb(): number {
    this.analyser.getFloatTimeDomainData(this.samples);
    return rmsDb(this.samples);
  }

  /** Which noise suppression runs: RNNoise, the browser's, both, or none. */
  get noiseSuppressor(): 'rnnoise' | 'browser' | 'rnnoise+browser' | 'off' {
    if (this.rnnoise) return this.browserNoiseSuppression ? 'rnnoise+browser' : 'rnnoise';
    return this.browserNoiseSuppression ? 'browser' : 'off';
  }

  /** The RNNoise node while it runs (tests read its frame count). */
  get rnnoiseNode(): AudioWorkletNode | null {
    return this.rnnoise;
  }

  /** New settings: the volume at once; the device reopened only when its constraints changed. */
  async apply(settings: MicrophoneSettings): Promise<void> {
    this.gain.gain.value = settings.voice.inputVolume / 100;
    this.browserNoiseSuppression = settings.voiceInput.noiseSuppression;
    await this.setRnnoise(settings.voiceInput.rnnoise);
    const key = constraintsKey(settings);
    if (key === this.key || this.closed) return;
    this.key = key;
    let stream: MediaStream;
    try {
      if (typeof navigator === 'undefined' || !('mediaDevices' in navigator)) throw new Error('This browser does not expose media devices (a secure context is needed).');
      stream = await navigator.mediaDevices.getUserMedia({ audio: constraintsOf(settings), video: false });
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      console.warn('microphone unavailable; sending silence', err);
      return;
    }
    if (this.superseded(key)) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.releaseDevice();
    this.stream = stream;
    this.source = this.ctx.createMediaStreamSource(stream);
    this.wire();
    this.error = null;
  }

  /** Puts RNNoise between the device and the gain, or takes it out. */
  private async setRnnoise(on: boolean): Promise<void> {
    this.rnnoiseWanted = on;
    if (on === (this.rnnoise !== null) || this.closed) return;
    if (!on) {
      const node = this.rnnoise;
      this.rnnoise = null;
      this.wire();
      if (node) stopRnnoiseNode(node);
      return;
    }
    let node: AudioWorkletNode;
    try {
      node = await createRnnoiseNode(this.ctx);
    } catch (err) {
      console.warn('RNNoise unavailable; the microphone goes on without it', err);
      return;
    }
    if (this.rnnoiseNotWanted()) {
      stopRnnoiseNode(node);
      return;
    }
    this.rnnoise = node;
    node.connect(this.gain);
    this.wire();
  }

  /** After the node started: closed, switched off meanwhile, or another node won. */
  private rnnoiseNotWanted(): boolean {
    return this.closed || !this.rnnoiseWanted || this.rnnoise !== null;
  }

  private wire(): void {
    if (!this.source) return;
    this.source.disconnect();
    this.source.connect(this.rnnoise ?? this.gain);
  }

  /** Closed, or newer settings asked for another device while getUserMedia was pending. */
  private superseded(key: string): boolean {
    return this.closed || this.key !== key;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseDevice();
    if (this.rnnoise) stopRnnoiseNode(this.rnnoise);
    this.rnnoise = null;
    this.gain.disconnect();
    for (const t of this.destination.stream.getTracks()) t.stop();
  }

  private releaseDevice(): void {
    this.source?.disconnect();
    this.source = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
  }
}
