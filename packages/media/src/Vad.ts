// Voice activity detection on 20 ms frames: decides when to send audio and light the speaking
// ring. Automatic mode tracks the background noise floor (falls fast, rises slowly) and calls a
// frame voiced when it stands clear of it; threshold mode compares with a fixed dBFS level (the
// "input sensitivity" slider). Speech starts after `attackFrames` voiced frames in a row and lasts
// `hangoverMs` past the last voiced frame so word endings and short pauses are not clipped.
import { rmsDbfs } from './energy.ts';

export type VadMode = { readonly kind: 'auto' } | { readonly kind: 'threshold'; readonly thresholdDbfs: number };

export interface VadOptions {
  readonly mode?: VadMode;
  readonly frameMs?: number;
  readonly attackFrames?: number;
  readonly hangoverMs?: number;
  /** Automatic mode: how far above the noise floor a voiced frame must be. */
  readonly marginDb?: number;
  /** Automatic mode: nothing quieter than this counts as voice, whatever the floor. */
  readonly minimumSpeechDbfs?: number;
}

/** How fast the floor follows the level down (a fraction per frame) and up (dB per frame). */
const FLOOR_FALL = 0.3;
/** Below the voicing margin the level is background: follow it up quickly (10 dB/s). */
const FLOOR_RISE_UNVOICED_DB = 0.2;
/** During speech, creep up slowly (2 dB/s) so a lasting louder background is learnt eventually. */
const FLOOR_RISE_VOICED_DB = 0.04;

export class VoiceActivityDetector {
  mode: VadMode;
  /** Level of the last frame, dBFS. */
  levelDbfs = -100;
  /** Estimated background level, dBFS (automatic mode); the first frame sets it. */
  noiseFloorDbfs = Number.NaN;
  speaking = false;
  private readonly attackFrames: number;
  private readonly hangoverFrames: number;
  private readonly marginDb: number;
  private readonly minimumSpeechDbfs: number;
  private voicedRun = 0;
  private sinceVoiced = 0;

  constructor(options: VadOptions = {}) {
    this.mode = options.mode ?? { kind: 'auto' };
    const frameMs = options.frameMs ?? 20;
    this.attackFrames = options.attackFrames ?? 2;
    this.hangoverFrames = Math.round((options.hangoverMs ?? 300) / frameMs);
    this.marginDb = options.marginDb ?? 12;
    this.minimumSpeechDbfs = options.minimumSpeechDbfs ?? -55;
  }

  /** Feeds one frame; returns whether the user is speaking after it. */
  process(pcm: Int16Array): boolean {
    const level = rmsDbfs(pcm);
    this.levelDbfs = level;
    let voiced: boolean;
    if (this.mode.kind === 'threshold') {
      voiced = level >= this.mode.thresholdDbfs;
    } else {
      if (Number.isNaN(this.noiseFloorDbfs)) this.noiseFloorDbfs = level;
      voiced = level >= this.minimumSpeechDbfs && level >= this.noiseFloorDbfs + this.marginDb;
      if (level < this.noiseFloorDbfs) this.noiseFloorDbfs += (level - this.noiseFloorDbfs) * FLOOR_FALL;
      else this.noiseFloorDbfs = Math.min(level, this.noiseFloorDbfs + (voiced ? FLOOR_RISE_VOICED_DB : FLOOR_RISE_UNVOICED_DB));
    }
    if (voiced) {
      this.voicedRun++;
      this.sinceVoiced = 0;
      if (this.voicedRun >= this.attackFrames) this.speaking = true;
    } else {
      this.voicedRun = 0;
      this.sinceVoiced++;
      if (this.sinceVoiced > this.hangoverFrames) this.speaking = false;
    }
    return this.speaking;
  }
}
