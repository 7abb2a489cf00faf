// Discord's local RPC server for games' Rich Presence: the IPC sockets and the local WebSocket,
// sharing one set of links (RpcConnections). What games set goes to an ActivitySink (the
// ActivityHub), one source per game link and pid.
import { ApplicationNames } from './ApplicationNames.ts';
import { listenIpc, type IpcRpcListener } from './IpcRpcListener.ts';
import { RpcConnections } from './RpcConnections.ts';
import type { ActivitySink, RpcUser } from './RpcSession.ts';
import { listenWs, RPC_WS_PORTS, type WsRpcListener } from './WsRpcListener.ts';

export interface RpcServerOptions {
  sink: ActivitySink;
  /** The signed-in user READY names; null: nobody yet, READY waits (up to 10 s) until setUser. */
  user: RpcUser | null;
  /** The Concord server: names games after its applications; null leaves their own names. */
  serverUrl: string | null;
  /** How long a game waits for READY while nobody is signed in (default 10 s, the handshake timeout). */
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** false: no WebSocket transport. Default: Discord's ports 6463-6472. */
  wsPorts?: readonly number[] | false;
  wsAllowedOrigins?: readonly string[];
  maxConnections?: number;
  warn?: (message: string) => void;
}

export interface RunningRpcServer {
  /** The IPC socket (or pipe) path games connect to. */
  readonly ipcPath: string;
  /** The WebSocket port, or null without that transport. */
  readonly wsPort: number | null;
  readonly connectionCount: number;
  /** Links waiting for someone to sign in. */
  readonly waitingCount: number;
  /** Someone signed in (waiting games get READY; links READY named someone else are closed) or out (null). */
  setUser(user: RpcUser | null): void;
  /** The server the signed-in session uses: game names and READY's config come from it. */
  setServerUrl(serverUrl: string | null): void;
  close(): Promise<void>;
}

/** A stand-in user for tests that do not care who is signed in. */
export const PLACEHOLDER_RPC_USER: RpcUser = { id: '0', username: 'concord', discriminator: '0', global_name: 'Concord', avatar: null, bot: false, flags: 0, premium_type: 0 };

export async function startRpcServer(options: RpcServerOptions): Promise<RunningRpcServer> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const names = new ApplicationNames(options.serverUrl);
  const connections = new RpcConnections(
    {
      sink: options.sink,
      config: () => {
        const server = names.server;
        const host = server === null ? 'localhost' : new URL(server).host;
        return { cdn_host: host, api_endpoint: `//${host}/api`, environment: 'production' };
      },
      applicationName: (clientId) => names.lookup(clientId),
      now: () => Date.now(),
    },
    options.user,
    { ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }), ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }) },
  );
  const ipc: IpcRpcListener = await listenIpc(connections, { env: options.env ?? process.env, platform: options.platform ?? process.platform, warn });
  let ws: WsRpcListener | null = null;
  if (options.wsPorts !== false) {
    try {
      ws = await listenWs(connections, { ports: options.wsPorts ?? RPC_WS_PORTS, allowedOrigins: options.wsAllowedOrigins ?? [], warn });
    } catch (error) {
      // Games use IPC; the WebSocket is a convenience: run without it rather than not at all.
      warn(String(error));
    }
  }
  return {
    ipcPath: ipc.path,
    wsPort: ws?.port ?? null,
    get connectionCount() {
      return connections.size;
    },
    get waitingCount() {
      return connections.waitingCount;
    },
    setUser: (user) => connections.setUser(user),
    setServerUrl: (serverUrl) => names.setServerUrl(serverUrl),
    async close() {
      connections.closeAll();
      await Promise.all([ipc.close(), ws?.close()]);
    },
  };
}
