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
  /** The signed-in user READY names (a placeholder until one is known). */
  user: () => RpcUser;
  /** The Concord server: names games after its applications; null leaves their own names. */
  serverUrl: string | null;
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
  close(): Promise<void>;
}

export const PLACEHOLDER_RPC_USER: RpcUser = { id: '0', username: 'concord', discriminator: '0', global_name: 'Concord', avatar: null, bot: false, flags: 0, premium_type: 0 };

export async function startRpcServer(options: RpcServerOptions): Promise<RunningRpcServer> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const names = new ApplicationNames(options.serverUrl);
  const host = options.serverUrl === null ? 'localhost' : new URL(options.serverUrl).host;
  const connections = new RpcConnections(
    {
      sink: options.sink,
      user: options.user,
      config: { cdn_host: host, api_endpoint: `//${host}/api`, environment: 'production' },
      applicationName: (clientId) => names.lookup(clientId),
      now: () => Date.now(),
    },
    options.maxConnections,
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
    async close() {
      connections.closeAll();
      await Promise.all([ipc.close(), ws?.close()]);
    },
  };
}
