// The main process's noise reduction for the native pipeline: a downward expander on 20 ms frames.
// It tracks the background level (falls at once, rises slowly, like the VAD's floor) and turns
// frames that sit near that floor down by up to 18 dB, so steady hiss and hum between words fade
// while speech passes untouched. Not spectral: the renderer's capture worklet may run RNNoise
// before the frame gets here; this keeps the pipeline quiet when it does not.
import { rmsDbfs } from '@concord/media';

/** Frames this far above the floor are speech and pass at unity gain. */
const OPEN_ABOVE_FLOOR_DB = 9;
const MAX_ATTENUATION_DB = 18;
/** How fast the floor rises toward louder frames (dB per 20 ms frame: 5 dB/s). */
const FLOOR_RISE_DB = 0.1;

export class NoiseExpander {
  private floorDbfs = Number.NaN;
  private gain = 1;

  /** Processes one frame in place. */
  process(pcm: Int16Array): void {
    const level = rmsDbfs(pcm);
    if (Number.isNaN(this.floorDbfs) || level < this.floorDbfs) this.floorDbfs = level;
    else this.floorDbfs = Math.min(level, this.floorDbfs + FLOOR_RISE_DB);
    const above = level - this.floorDbfs;
    const attenuationDb = above >= OPEN_ABOVE_FLOOR_DB ? 0 : MAX_ATTENUATION_DB * (1 - above / OPEN_ABOVE_FLOOR_DB);
    const target = 10 ** (-attenuationDb / 20);
    const start = this.gain;
    const step = (target - start) / pcm.length;
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round((pcm[i] ?? 0) * (start + step * i));
    this.gain = target;
  }
}
