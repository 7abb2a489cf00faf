// Decides per 20 ms microphone frame whether the desktop pipeline transmits, with the web client's
// settings (ClientSettings.voiceInput): voice activity through @concord/media's detector (automatic
// noise floor, or the user's dBFS sensitivity; 300 ms hangover) or push-to-talk (while the key is
// down, plus the release delay). The key state arrives from IPC (`setPushToTalk`); time comes from
// an injectable clock so tests can step it.
import { VoiceActivityDetector, type VadMode } from '@concord/media';
import type { ClientSettings } from '../../shared/bridge.ts';

export type VoiceInputSettings = ClientSettings['voiceInput'];

/** The web client's VoiceGate uses the same numbers: one feel across both engines. */
const VAD_HANGOVER_MS = 300;
const AUTO_MARGIN_DB = 15;
const AUTO_MIN_OPEN_DBFS = -55;

export class InputGate {
  private readonly vad: VoiceActivityDetector;
  private keyDown = false;
  private keyReleasedAtMs = -Infinity;
  open = false;

  constructor(private settings: VoiceInputSettings, private readonly nowMs: () => number) {
    this.vad = new VoiceActivityDetector({ mode: vadMode(settings), attackFrames: 1, hangoverMs: VAD_HANGOVER_MS, marginDb: AUTO_MARGIN_DB, minimumSpeechDbfs: AUTO_MIN_OPEN_DBFS });
  }

  setSettings(settings: VoiceInputSettings): void {
    this.settings = settings;
    this.vad.mode = vadMode(settings);
  }

  setPushToTalk(down: boolean): void {
    if (this.keyDown && !down) this.keyReleasedAtMs = this.nowMs();
    this.keyDown = down;
  }

  /** The last frame's level, dBFS (for the meter). */
  get levelDbfs(): number {
    return this.vad.levelDbfs;
  }

  /** Feeds one frame (after input volume); returns whether it is sent. */
  process(pcm: Int16Array): boolean {
    // The detector always runs, so its noise floor is learnt even in push-to-talk mode.
    const voiced = this.vad.process(pcm);
    this.open = this.settings.mode === 'pushToTalk' ? this.keyDown || this.nowMs() - this.keyReleasedAtMs < this.settings.pttReleaseDelayMs : voiced;
    return this.open;
  }
}

function vadMode(settings: VoiceInputSettings): VadMode {
  return settings.sensitivityDb === null ? { kind: 'auto' } : { kind: 'threshold', thresholdDbfs: settings.sensitivityDb };
}
