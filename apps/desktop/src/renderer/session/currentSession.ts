// Holds the live session (REST client, gateway connection, bridge, token) and nothing else, so
// that every module that calls the API can reach it without importing the wiring in
// ConcordSession.ts, which imports them (that was an import cycle). Only ConcordSession sets it.
import type { ConcordApi, GatewayClient } from '@concord/client';
import type { DesktopBridge } from '../../shared/bridge.ts';

export interface Session {
  readonly api: ConcordApi;
  readonly gateway: GatewayClient;
  readonly bridge: DesktopBridge;
  readonly token: string;
}

let current: Session | null = null;

/** The signed-in session; throws when signed out (callers run from signed-in UI only). */
export function getSession(): Session {
  if (!current) throw new Error('no session: the user is signed out');
  return current;
}

export function maybeSession(): Session | null {
  return current;
}

/** Called by ConcordSession.ts alone: on start (the new session) and on end (null). */
export function setCurrentSession(session: Session | null): void {
  current = session;
}
