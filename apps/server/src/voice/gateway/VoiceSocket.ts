// One voice gateway socket as uWS holds it: the data kept per socket and the socket's lifecycle.
// A socket carries at most one VoiceSession; the session outlives it for the resume window.
import type { WebSocket } from 'uWebSockets.js';
import type { FrameWindow } from '../../gateway/FrameRateLimit.ts';
import type { VoiceSession } from './VoiceSession.ts';

export type VoiceSocketPhase =
  /** Open, HELLO sent, waiting for IDENTIFY (op 0) or RESUME (op 7). */
  | { readonly status: 'open' }
  /** Carries a session (after IDENTIFY or RESUME). */
  | { readonly status: 'attached'; readonly session: VoiceSession }
  /** We sent a close (or uWS reported one): nothing more is read or sent. */
  | { readonly status: 'closed' };

export const OPEN_PHASE: VoiceSocketPhase = { status: 'open' };
export const CLOSED_PHASE: VoiceSocketPhase = { status: 'closed' };

export interface VoiceSocketData extends FrameWindow {
  ip: string;
  phase: VoiceSocketPhase;
  openedAtMs: number;
  lastHeartbeatAtMs: number;
}

export type VoiceSocket = WebSocket<VoiceSocketData>;
