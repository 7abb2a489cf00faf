// Loudness measures over 20 ms frames: RMS level in dBFS, a whole-signal envelope, and the
// correlation of two envelopes at the best lag. End-to-end tests use them to check that what one
// bot plays is what another hears, without caring about codec phase or exact samples.

/** The level floor: digital silence reports this instead of -Infinity. */
export const SILENCE_DBFS = -100;

/** RMS level of interleaved PCM in dBFS (0 = a full-scale square wave). */
export function rmsDbfs(pcm: Int16Array): number {
  if (pcm.length === 0) return SILENCE_DBFS;
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  const rms = Math.sqrt(sum / pcm.length) / 32768;
  return rms <= 0 ? SILENCE_DBFS : Math.max(SILENCE_DBFS, 20 * Math.log10(rms));
}

/** One dBFS value per 20 ms frame (sampleRate / 50 samples per channel). */
export function energyEnvelope(samples: Int16Array, channels: 1 | 2 = 1, sampleRate = 48_000): Float64Array {
  const frameLength = (sampleRate / 50) * channels;
  const envelope = new Float64Array(Math.ceil(samples.length / frameLength));
  for (let frame = 0; frame < envelope.length; frame++) {
    envelope[frame] = rmsDbfs(samples.subarray(frame * frameLength, (frame + 1) * frameLength));
  }
  return envelope;
}

export interface EnvelopeMatch {
  /** Pearson correlation at the best lag, -1..1. */
  readonly correlation: number;
  /** Frames by which `b` trails `a` (negative when `b` leads). */
  readonly lag: number;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>, lag: number): { value: number; overlap: number } {
  const start = Math.max(0, -lag);
  const end = Math.min(a.length, b.length - lag);
  const overlap = end - start;
  if (overlap < 2) return { value: 0, overlap };
  let sumA = 0;
  let sumB = 0;
  for (let i = start; i < end; i++) {
    sumA += a[i] ?? 0;
    sumB += b[i + lag] ?? 0;
  }
  const meanA = sumA / overlap;
  const meanB = sumB / overlap;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = start; i < end; i++) {
    const da = (a[i] ?? 0) - meanA;
    const db = (b[i + lag] ?? 0) - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  const denominator = Math.sqrt(varianceA * varianceB);
  return { value: denominator === 0 ? 0 : covariance / denominator, overlap };
}

/**
 * The best Pearson correlation of `b` against `a` over lags -maxLagFrames..maxLagFrames. Lags
 * that leave fewer than half of the shorter envelope overlapping are not considered, so a tiny
 * overlap cannot produce a spurious perfect match.
 */
export function envelopeCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, maxLagFrames: number): EnvelopeMatch {
  const minOverlap = Math.max(2, Math.floor(Math.min(a.length, b.length) / 2));
  let best: EnvelopeMatch = { correlation: 0, lag: 0 };
  let found = false;
  for (let lag = -maxLagFrames; lag <= maxLagFrames; lag++) {
    const { value, overlap } = pearson(a, b, lag);
    if (overlap < minOverlap) continue;
    if (!found || value > best.correlation) best = { correlation: value, lag };
    found = true;
  }
  return best;
}
