// The local WebSocket transport of the RPC server: ws://127.0.0.1:6463..6472/?v=1&client_id=...&encoding=json,
// the first free port. Browsers send an Origin with every WebSocket, so the allow-list is what
// keeps web pages from setting your presence: only clients without an Origin (native programs) and
// the listed origins are served; any other page is closed with 4001 before a message is read.
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_IPC_PAYLOAD_BYTES } from './ipcFrames.ts';
import { MAX_UNREAD_BYTES } from './IpcRpcListener.ts';
import type { RpcConnections } from './RpcConnections.ts';
import { isClientId, RpcCloseCode } from './rpcProtocol.ts';

export const RPC_WS_PORTS: readonly number[] = Array.from({ length: 10 }, (_, i) => 6463 + i);

export interface WsListenerOptions {
  /** Ports to try in order (Discord's 6463-6472; tests pass [0] for any free port). */
  ports: readonly number[];
  /** Origins besides "no Origin" that may connect, e.g. the Concord web app's own. */
  allowedOrigins: readonly string[];
  warn: (message: string) => void;
}

export interface WsRpcListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenWs(connections: RpcConnections, options: WsListenerOptions): Promise<WsRpcListener> {
  for (const port of options.ports) {
    const server = await tryListen(port);
    if (server === null) continue;
    server.on('connection', (ws, request) => serveWsLink(ws, request, connections, options));
    server.on('error', (error) => options.warn(`rpc: websocket server: ${error.message}`));
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    return {
      port: bound,
      close: () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    };
  }
  throw new Error(`rpc: no free port among ${options.ports.join(', ')} on 127.0.0.1`);
}

function tryListen(port: number): Promise<WebSocketServer | null> {
  return new Promise((resolve) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: MAX_IPC_PAYLOAD_BYTES, perMessageDeflate: false });
    server.once('listening', () => resolve(server));
    server.once('error', () => {
      server.close();
      resolve(null);
    });
  });
}

function serveWsLink(ws: WebSocket, request: IncomingMessage, connections: RpcConnections, options: WsListenerOptions): void {
  ws.on('error', () => undefined); // oversize frames and resets; 'close' follows
  const origin = request.headers.origin;
  if (origin !== undefined && !options.allowedOrigins.includes(origin)) return ws.close(RpcCloseCode.InvalidOrigin, 'Invalid Origin');
  const query = new URL(request.url ?? '/', 'ws://127.0.0.1').searchParams;
  if (query.get('v') !== '1') return ws.close(RpcCloseCode.InvalidVersion, 'Invalid Version');
  const encoding = query.get('encoding');
  if (encoding !== null && encoding !== 'json') return ws.close(RpcCloseCode.InvalidEncoding, 'Invalid Encoding');
  const clientId = query.get('client_id') ?? '';
  if (!isClientId(clientId)) return ws.close(RpcCloseCode.InvalidClientId, 'Invalid Client ID');
  const id = connections.reserve();
  if (id === null) return ws.close(RpcCloseCode.RateLimited, 'Too many connections');

  let closing = false;
  const close = (code: number, message: string) => {
    if (closing) return;
    closing = true;
    ws.close(code, message);
  };
  ws.on('close', () => connections.release(id));
  const session = connections.start(id, clientId, {
    send: (message) => {
      if (closing || ws.readyState !== ws.OPEN) return;
      // A client that stops reading is cut rather than buffered for without limit.
      if (ws.bufferedAmount > MAX_UNREAD_BYTES) return ws.terminate();
      ws.send(JSON.stringify(message));
    },
    close,
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (closing) return;
    let message: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      message = JSON.parse(rawText(data)) as unknown;
    } catch {
      close(RpcCloseCode.InvalidPayload, 'Invalid payload');
      return;
    }
    session.command(message).catch((error: unknown) => {
      options.warn(`rpc: command failed: ${String(error)}`);
      close(RpcCloseCode.InvalidPayload, 'Unknown error');
    });
  });
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
