// Which simulcast layer one viewer's slot gets: the highest the viewer asked for (a small grid tile
// does not need 720p: op 15's max height) that fits the bandwidth the viewer can take, with
// hysteresis: down fast (the estimate below the layer's bitrate for DOWN_HOLD_MS; a trial up that
// does not fit faster still, back to the layer it left), up slowly (room
// for the higher layer for UP_HOLD_MS) while the path is limited or was lately (MAX_UP_HOLD_MS since
// the estimate last moved it down), so a noisy estimate does not flap the picture; with no limit in
// sight a higher layer (one that just started) is taken at once. Pure: the
// router feeds it the layers, the cap and the estimate, and switches when the answer changes.

/** How long the estimate must stay under the current layer's bitrate before stepping down. */
export const DOWN_HOLD_MS = 1_000;
/** A trial up that does not fit (the estimate low within UP_HOLD_MS of the step up) is given up after this instead. */
export const TRIAL_DOWN_HOLD_MS = 250;
/** How long a higher layer must have fitted before stepping up. */
export const UP_HOLD_MS = 10_000;
/** A step down soon after a step up (a trial that did not fit) doubles the next wait up to this. */
export const MAX_UP_HOLD_MS = 80_000;
/** A layer fits when its bitrate is at most this share of the estimate (room for audio, headers, other slots' jitter). */
export const FIT_SHARE = 0.9;

export interface LayerView {
  /** Measured at the SFU's ingress (bits/s); 0 while unknown (fits anything). */
  bitrate: number;
  /** From the layer's key frames (VP8); 0 while unknown. */
  height: number;
}

export class LayerChooser {
  /** Index (low -> high) of the layer chosen now; -1 before the first choice. */
  current = -1;
  private belowSinceMs: number | null = null;
  private aboveSinceMs: number | null = null;
  private lastAllowed = -1;
  private upHoldMs = UP_HOLD_MS;
  private lastUpMs = Number.NEGATIVE_INFINITY;
  /** The layer the last trial up started from: a trial that fails goes back there, not lower. */
  private trialFrom = 0;
  /** When the estimate last moved this slot down (an up move waits only while the path is or was lately limited). */
  private lastDownMs = Number.NEGATIVE_INFINITY;

  /**
   * The layer to forward now. `layers` low -> high; `maxHeight` the viewer's cap (0: none);
   * `estimateBps` what the viewer's path takes for this slot (Infinity: not limited).
   */
  choose(layers: readonly LayerView[], maxHeight: number, estimateBps: number, nowMs: number): number {
    if (layers.length === 0) return (this.current = -1);
    const allowed = capIndex(layers, maxHeight);
    let fits = 0;
    for (let i = allowed; i > 0; i--) {
      if (layers[i]!.bitrate <= estimateBps * FIT_SHARE) { fits = i; break; }
    }
    const capMoved = allowed !== this.lastAllowed;
    this.lastAllowed = allowed;
    // A first choice, and the viewer's cap moving (its own choice), take effect at once; only the estimate is smoothed.
    if (this.current < 0 || this.current >= layers.length || capMoved || this.current > allowed) return this.settle(fits);
    if (fits < this.current) {
      this.aboveSinceMs = null;
      this.belowSinceMs ??= nowMs;
      // A trial up that the path cannot take stalls the picture behind a full queue: leave it at once.
      const hold = nowMs - this.lastUpMs < UP_HOLD_MS ? TRIAL_DOWN_HOLD_MS : DOWN_HOLD_MS;
      if (nowMs - this.belowSinceMs < hold) return this.current;
      // An estimate that only measures what was sent cannot show room above it: going up is a trial,
      // and a trial that failed is retried less and less often.
      const trialFailed = nowMs - this.lastUpMs < UP_HOLD_MS;
      this.upHoldMs = trialFailed ? Math.min(this.upHoldMs * 2, MAX_UP_HOLD_MS) : UP_HOLD_MS;
      // One failure per trial: a further step down from where it went back waits the usual hold
      // (the estimate still holds the trial's rate for a moment).
      if (trialFailed) this.lastUpMs = Number.NEGATIVE_INFINITY;
      this.lastDownMs = nowMs;
      // The estimate during a failed trial measures the trial's own collapse (a REMB cut to what got
      // through a full queue): the layer it left is what the path carried, unless the viewer's cap moved.
      return this.settle(trialFailed ? Math.max(fits, Math.min(this.trialFrom, this.current - 1)) : fits);
    }
    this.belowSinceMs = null;
    if (fits > this.current) {
      // Room above with no limit in sight (a layer started, or the layers re-ordered): at once.
      if (!Number.isFinite(estimateBps) && nowMs - this.lastDownMs >= MAX_UP_HOLD_MS) return this.settle(fits);
      this.aboveSinceMs ??= nowMs;
      if (nowMs - this.aboveSinceMs < this.upHoldMs) return this.current;
      this.lastUpMs = nowMs;
      this.trialFrom = this.current;
      return this.settle(fits);
    }
    this.aboveSinceMs = null;
    return this.current;
  }

  private settle(index: number): number {
    this.belowSinceMs = null;
    this.aboveSinceMs = null;
    return (this.current = index);
  }
}

/** The highest layer within `maxHeight` (unknown heights count as fitting only for the lowest). */
export function capIndex(layers: readonly LayerView[], maxHeight: number): number {
  if (maxHeight <= 0) return layers.length - 1;
  let best = 0;
  for (let i = 1; i < layers.length; i++) {
    const h = layers[i]!.height;
    if (h > 0 && h <= maxHeight) best = i;
  }
  return best;
}
