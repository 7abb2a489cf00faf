// The activity part of the DesktopBridge: what this device plays, as the desktop's main process
// knows it (games over the local RPC socket, detected games), for the renderer's session to send in
// its presence next to the custom status. Absent in the web build (nothing local to report).
import type { ActivityInput } from '@concord/protocol';

/** One activity in the gateway's input shape (buttons with their URLs, as op 3 takes them). */
export type LocalActivity = ActivityInput;

/** The signed-in user as games see it in the local RPC's READY (Discord's READY `user` fields). */
export interface ActivitySessionUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot: boolean;
  flags: number;
  premium_type: number;
}

/** Who is signed in, and where: main answers games' READY with the user and names them after the server's applications. */
export interface ActivitySession {
  user: ActivitySessionUser;
  /** The REST base the session uses (`https://chat.example.com/api/v9`). */
  apiBaseUrl: string;
}

export interface DesktopActivityBridge {
  /**
   * Calls `listener` with the current list at once and then on every change (changes already
   * coalesced and rate limited by main). Returns the function that stops listening.
   */
  onLocalActivities(listener: (activities: LocalActivity[]) => void): () => void;
  /**
   * Tells main who is signed in (after READY, and when the user changes) or that nobody is (null,
   * at sign-out). Games that connected before wait for their READY until then. Only the app
   * window may call it.
   */
  setSession(session: ActivitySession | null): Promise<void>;
}

/** Main -> renderer push channel (webContents.send); not an invoke channel. */
export const ACTIVITY_PUSH_CHANNEL = 'concord:activity:local';

/**
 * The bridge part over a push subscription. It listens from the moment the bridge is built and keeps
 * the newest list, so a session that starts listening later (after login) still gets the current
 * one; main pushes the list on every change and when the page has loaded.
 */
export function createActivityBridge(
  subscribe: (channel: typeof ACTIVITY_PUSH_CHANNEL, listener: (payload: unknown) => void) => () => void,
  setSession: (session: ActivitySession | null) => Promise<void>,
): DesktopActivityBridge {
  let latest: LocalActivity[] = [];
  const listeners = new Set<(activities: LocalActivity[]) => void>();
  subscribe(ACTIVITY_PUSH_CHANNEL, (payload) => {
    // Main (the same build) sends ActivityInput lists: only the envelope is checked here.
    if (!Array.isArray(payload)) return;
    latest = payload as LocalActivity[];
    for (const listener of listeners) listener(latest);
  });
  return Object.freeze({
    onLocalActivities: (listener: (activities: LocalActivity[]) => void) => {
      listeners.add(listener);
      listener(latest);
      return () => listeners.delete(listener);
    },
    setSession,
  });
}
