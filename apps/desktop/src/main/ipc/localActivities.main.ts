// The desktop's presence services in the main process: the local RPC server and the ActivityHub
// (services/presence), with the hub's list pushed to the app window on ACTIVITY_PUSH_CHANNEL so that
// the renderer's session sends it in its presence. Pushes are coalesced and rate limited like op 3
// (the renderer turns each into one), and repeated when the page (re)loads.
import type { WebContents } from 'electron';
import { CoalescingThrottle } from '../../services/presence/CoalescingThrottle.ts';
import type { ActivityHub } from '../../services/presence/ActivityHub.ts';
import { startPresenceServices } from '../../services/presence/startPresenceServices.ts';
import { ACTIVITY_PUSH_CHANNEL } from '../../shared/activityBridge.ts';
import type { ClientSettings } from '../../shared/bridge.ts';

export interface DesktopPresence {
  /** Other local sources (the game detector) report here: hub.setSource(sourceId, activities). */
  readonly hub: ActivityHub;
  settingsChanged(next: ClientSettings): void;
  close(): Promise<void>;
}

export interface DesktopPresenceOptions {
  settings: ClientSettings;
  /** The server the app talks to (names games after its applications); null when unknown. */
  serverUrl: string | null;
  window: Pick<WebContents, 'send' | 'on'>;
  log: { info: (message: string) => void; warn: (message: string) => void };
}

/** Null when the RPC server cannot start (every discord-ipc-N taken): the app runs without it. */
export async function startDesktopPresence(options: DesktopPresenceOptions): Promise<DesktopPresence | null> {
  let services;
  try {
    services = await startPresenceServices({ settings: options.settings, serverUrl: options.serverUrl, warn: options.log.warn });
  } catch (error) {
    options.log.warn(`rich presence off: ${String(error)}`);
    return null;
  }
  const { hub, rpc } = services;
  const push = new CoalescingThrottle(() => options.window.send(ACTIVITY_PUSH_CHANNEL, [...hub.activities()]));
  const unsubscribe = hub.onChange(() => push.schedule());
  options.window.on('did-finish-load', () => push.schedule());
  options.log.info(`rich presence: games connect to ${rpc.ipcPath}${rpc.wsPort === null ? '' : ` and ws://127.0.0.1:${rpc.wsPort}`}`);
  return {
    hub,
    settingsChanged: (next) => hub.setSettings(next),
    async close() {
      unsubscribe();
      push.stop();
      await services.close();
    },
  };
}
