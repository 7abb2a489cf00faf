// Inbound frame rate limit: a fixed window per socket (GATEWAY_RATE_LIMIT, Discord's 120 frames
// per 60 s). The counters live in the socket's own data, so the limit costs no map and no timer.
import { GATEWAY_RATE_LIMIT } from '@concord/protocol';

export interface FrameWindow {
  frameWindowStartMs: number;
  framesInWindow: number;
}

/** Counts one inbound frame; returns false when it is over the limit (the socket is then closed with 4008). */
export function countInboundFrame(window: FrameWindow, nowMs: number, limit: { frames: number; windowMs: number } = GATEWAY_RATE_LIMIT): boolean {
  if (nowMs - window.frameWindowStartMs > limit.windowMs) {
    window.frameWindowStartMs = nowMs;
    window.framesInWindow = 0;
  }
  return ++window.framesInWindow <= limit.frames;
}
