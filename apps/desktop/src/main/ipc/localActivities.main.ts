// The desktop's presence services in the main process: the local RPC server and the ActivityHub
// (services/presence), with the hub's list pushed to the app window on ACTIVITY_PUSH_CHANNEL so that
// the renderer's session sends it in its presence. Pushes are coalesced and rate limited like op 3
// (the renderer turns each into one), and repeated when the page (re)loads. The renderer's session
// says who is signed in and where (setSession): games' READY and their names follow it.
import type { WebContents } from 'electron';
import { CoalescingThrottle } from '../../services/presence/CoalescingThrottle.ts';
import type { ActivityHub } from '../../services/presence/ActivityHub.ts';
import { startPresenceServices } from '../../services/presence/startPresenceServices.ts';
import type { RpcServerOptions } from '../../services/rpc/RpcServer.ts';
import { ACTIVITY_PUSH_CHANNEL } from '../../shared/activityBridge.ts';
import type { ClientSettings } from '../../shared/bridge.ts';
import type { SignedInSession } from './activitySession.main.ts';

export interface DesktopPresence {
  /** Other local sources (the game detector) report here: hub.setSource(sourceId, activities). */
  readonly hub: ActivityHub;
  /** Where games connect (the IPC socket path; for logs and tests). */
  readonly ipcPath: string;
  settingsChanged(next: ClientSettings): void;
  /**
   * Someone signed in (games waiting for READY get it; names come from their server) or out (null:
   * new games wait; the server last used keeps naming games).
   */
  setSession(session: SignedInSession | null): void;
  close(): Promise<void>;
}

export interface DesktopPresenceOptions {
  settings: ClientSettings;
  /** The server the app talks to (names games after its applications); null when unknown. */
  serverUrl: string | null;
  window: Pick<WebContents, 'send' | 'on'>;
  log: { info: (message: string) => void; warn: (message: string) => void };
  /** Where the sockets go and which ports (tests: a temp XDG_RUNTIME_DIR, no WebSocket); the platform's defaults otherwise. */
  rpc?: Pick<RpcServerOptions, 'env' | 'platform' | 'wsPorts' | 'readyTimeoutMs'>;
}

/** Null when the RPC server cannot start (every discord-ipc-N taken): the app runs without it. */
export async function startDesktopPresence(options: DesktopPresenceOptions): Promise<DesktopPresence | null> {
  let services;
  try {
    // Nobody is signed in yet: games that connect now get READY once the renderer's session says who.
    services = await startPresenceServices({ ...options.rpc, settings: options.settings, serverUrl: options.serverUrl, user: null, warn: options.log.warn });
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
    ipcPath: rpc.ipcPath,
    settingsChanged: (next) => hub.setSettings(next),
    setSession(session) {
      // The server first: a game that gets READY now looks its name up there.
      if (session !== null) rpc.setServerUrl(session.serverUrl);
      rpc.setUser(session?.user ?? null);
    },
    async close() {
      unsubscribe();
      push.stop();
      await services.close();
    },
  };
}
