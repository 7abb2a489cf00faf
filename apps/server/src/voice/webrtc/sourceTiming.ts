// How a source's frames arrived at the SFU, with Chromium's freeze rule (a frame later than
// max(3 x average interval, average + 150 ms)) applied to when each frame's last packet arrived:
// `captureGaps` are gaps already in the sender's RTP timestamps (its capture or encoder paused: every
// viewer freezes, whatever the SFU does), `arrivalGaps` gaps that only the arrival times show (the
// sender's pacer spreading a large key frame, its network, or this process stalled before forwarding).
// Measured on one layer of a simulcast source (the one its op 12 named).

export interface VideoSourceTiming {
  streamSsrc: number;
  type: 'video' | 'screen';
  frames: number;
  averageFrameMs: number;
  captureGaps: number;
  arrivalGaps: number;
}

export interface FrameTiming { frames: number; lastTs: number; lastArrivalMs: number; averageFrameMs: number; captureGaps: number; arrivalGaps: number }

export const newFrameTiming = (): FrameTiming => ({ frames: 0, lastTs: 0, lastArrivalMs: 0, averageFrameMs: 0, captureGaps: 0, arrivalGaps: 0 });

/** The last packet of a frame (marker) arrived at `now`: when a viewer could have it whole, at the earliest. */
export function frameArrived(t: FrameTiming, ts: number, now: number): void {
  if (t.frames > 0) {
    const arrivalMs = now - t.lastArrivalMs;
    const captureMs = ((ts - t.lastTs) | 0) / 90;
    if (captureMs < 0) return; // a late retransmission of an older frame
    if (t.frames >= 10) {
      const freezeMs = Math.max(3 * t.averageFrameMs, t.averageFrameMs + 150);
      if (captureMs > freezeMs) t.captureGaps++;
      else if (arrivalMs > freezeMs) t.arrivalGaps++;
    }
    // Chromium averages over recent frames; an EWMA of ~30 frames is close enough.
    t.averageFrameMs = t.frames === 1 ? arrivalMs : t.averageFrameMs + (arrivalMs - t.averageFrameMs) / 30;
  }
  t.frames++;
  t.lastTs = ts;
  t.lastArrivalMs = now;
}
