// One gateway socket as uWS holds it: the data we keep per socket (uWS owns the object for the
// socket's life and hands it back from getUserData) and the socket's lifecycle. Kept small: it
// exists once per connection (see the memory table in GatewaySession.ts).
import type { GatewayCodec } from '@concord/protocol';
import type { WebSocket } from 'uWebSockets.js';
import type { GatewaySession } from './GatewaySession.ts';
import type { FrameWindow } from './FrameRateLimit.ts';
import type { ZlibStream } from './ZlibStream.ts';

/** Where a socket is in its life. Stateless phases are shared constants, so a phase costs nothing per socket. */
export type SocketPhase =
  /** Upgraded, not yet open. A close code decided at upgrade (4012 for an unsupported version) is sent at open. */
  | { readonly status: 'upgraded'; readonly rejectWith: { readonly code: number; readonly reason: string } | null }
  /** Open (counted against its address), HELLO sent, waiting for IDENTIFY or RESUME. */
  | { readonly status: 'hello' }
  /** An IDENTIFY or RESUME is being authenticated; another one now is refused with 4005. */
  | { readonly status: 'authenticating' }
  /** Carries a session (after IDENTIFY or RESUME). */
  | { readonly status: 'ready'; readonly session: GatewaySession }
  /** uWS reported the close; nothing is sent on it any more. */
  | { readonly status: 'closed' };

export const HELLO_PHASE: SocketPhase = { status: 'hello' };
export const AUTHENTICATING_PHASE: SocketPhase = { status: 'authenticating' };
export const CLOSED_PHASE: SocketPhase = { status: 'closed' };

/** Per-socket data uWS keeps for us. */
export interface SocketData extends FrameWindow {
  codec: GatewayCodec;
  version: number;
  compress: boolean;
  host: string;
  ip: string;
  phase: SocketPhase;
  /** The zlib stream when compress=zlib-stream, made on the first frame after HELLO (SocketWriter.zlibStreamFor). */
  deflate: ZlibStream | null;
  openedAtMs: number;
  lastHeartbeatAtMs: number;
}

export type GatewaySocket = WebSocket<SocketData>;

/** The session a socket carries, if any. */
export function sessionOf(ud: SocketData): GatewaySession | null {
  return ud.phase.status === 'ready' ? ud.phase.session : null;
}

/** Whether uWS has reported the socket closed. A function, not an inline check: after an await the phase may have changed, which TypeScript's narrowing would not see. */
export function isClosed(ud: SocketData): boolean {
  return ud.phase.status === 'closed';
}
