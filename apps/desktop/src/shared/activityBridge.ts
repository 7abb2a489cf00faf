// The activity part of the DesktopBridge: what this device plays, as the desktop's main process
// knows it (games over the local RPC socket, detected games), for the renderer's session to send in
// its presence next to the custom status. Absent in the web build (nothing local to report).
import type { ActivityInput } from '@concord/protocol';

/** One activity in the gateway's input shape (buttons with their URLs, as op 3 takes them). */
export type LocalActivity = ActivityInput;

export interface DesktopActivityBridge {
  /**
   * Calls `listener` with the current list at once and then on every change (changes already
   * coalesced and rate limited by main). Returns the function that stops listening.
   */
  onLocalActivities(listener: (activities: LocalActivity[]) => void): () => void;
}

/** Main -> renderer push channel (webContents.send); not an invoke channel. */
export const ACTIVITY_PUSH_CHANNEL = 'concord:activity:local';

/**
 * The bridge part over a push subscription. It listens from the moment the bridge is built and keeps
 * the newest list, so a session that starts listening later (after login) still gets the current
 * one; main pushes the list on every change and when the page has loaded.
 */
export function createActivityBridge(subscribe: (channel: typeof ACTIVITY_PUSH_CHANNEL, listener: (payload: unknown) => void) => () => void): DesktopActivityBridge {
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
  });
}
