// Decides, frame by frame, whether the microphone transmits: voice activity (the level against an
// adaptive noise floor, or against the user's dBFS threshold, with a hangover so word endings are
// not cut) or push-to-talk (while the key is held, plus the release delay). Pure: the engine feeds
// it levels and key events with timestamps and reads `open`.
import type { ClientSettings } from '../../shared/bridge.ts';

export type VoiceInputSettings = ClientSettings['voiceInput'];

/** Voice activity stays open this long after the level drops (Discord's is about as long). */
export const VAD_HANGOVER_MS = 300;
/** Automatic sensitivity opens this far above the tracked noise floor. */
export const AUTO_MARGIN_DB = 15;
/** ... and never below this, so a dead-quiet room does not open on breathing. */
export const AUTO_MIN_OPEN_DB = -55;
/** The noise floor follows quieter levels at once and louder ones slowly (dB per second). */
const FLOOR_RISE_DB_PER_S = 3;

export class VoiceGate {
  private floorDb = -70;
  private floorUnset = true;
  private lastVoiceAtMs = -Infinity;
  private keyDown = false;
  private keyReleasedAtMs = -Infinity;
  private lastLevelAtMs: number | null = null;
  open = false;

  constructor(private settings: VoiceInputSettings) {}

  setSettings(settings: VoiceInputSettings): void {
    this.settings = settings;
  }

  /** The noise floor automatic sensitivity uses now (for the settings meter). */
  get noiseFloorDb(): number {
    return this.floorDb;
  }

  /** The level at which voice activity opens now. */
  get thresholdDb(): number {
    return this.settings.sensitivityDb ?? Math.max(AUTO_MIN_OPEN_DB, this.floorDb + AUTO_MARGIN_DB);
  }

  /** One analyser reading (dBFS) at `nowMs`; returns whether the gate is open afterwards. */
  level(levelDb: number, nowMs: number): boolean {
    const dtS = this.lastLevelAtMs === null ? 0 : Math.max(0, (nowMs - this.lastLevelAtMs) / 1000);
    this.lastLevelAtMs = nowMs;
    // The first reading is the floor (a noisy room must not open the gate while the floor climbs).
    if (dtS === 0 && this.lastVoiceAtMs === -Infinity && this.floorUnset) {
      this.floorUnset = false;
      this.floorDb = Math.max(-100, levelDb);
    } else if (levelDb < this.floorDb) this.floorDb = Math.max(-100, levelDb);
    else this.floorDb = Math.min(levelDb, this.floorDb + FLOOR_RISE_DB_PER_S * dtS);
    if (levelDb >= this.thresholdDb) this.lastVoiceAtMs = nowMs;
    return this.update(nowMs);
  }

  pushToTalk(down: boolean, nowMs: number): boolean {
    if (this.keyDown && !down) this.keyReleasedAtMs = nowMs;
    this.keyDown = down;
    return this.update(nowMs);
  }

  /** Re-evaluates the timers (call on a clock even without new levels). */
  update(nowMs: number): boolean {
    this.open =
      this.settings.mode === 'pushToTalk'
        ? this.keyDown || nowMs - this.keyReleasedAtMs < this.settings.pttReleaseDelayMs
        : nowMs - this.lastVoiceAtMs < VAD_HANGOVER_MS;
    return this.open;
  }
}

/** RMS of time-domain samples in dBFS (-100 for silence). */
export function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return rms <= 1e-5 ? -100 : Math.max(-100, 20 * Math.log10(rms));
}
