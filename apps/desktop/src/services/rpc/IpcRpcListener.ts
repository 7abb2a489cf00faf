// The IPC transport of the local RPC server: Unix sockets `discord-ipc-0..9` in the first of
// XDG_RUNTIME_DIR, TMPDIR, TMP, TEMP, /tmp (where Discord's clients look), Windows named pipes
// `\\?\pipe\discord-ipc-N`. The first free index is taken; a socket file nobody answers on (left by a
// crashed Discord or agent) is replaced. Each link: HANDSHAKE, then FRAMEs; PING answered with a PONG
// carrying the same bytes; a malformed frame closes that link with a CLOSE frame and a code.
import { existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { encodeIpcFrame, encodeRawIpcFrame, IpcFrameDecoder, IpcOpcode, type IpcFrame } from './ipcFrames.ts';
import type { RpcConnections } from './RpcConnections.ts';
import { HandshakeSchema, isClientId, RpcCloseCode } from './rpcProtocol.ts';
import type { RpcPeer, RpcSession } from './RpcSession.ts';

export const IPC_SOCKET_COUNT = 10;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long a closing link may take to read its CLOSE frame before it is cut. */
const CLOSE_GRACE_MS = 1000;
/** A peer that stops reading while it keeps sending (PINGs) is cut once this much waits for it. */
export const MAX_UNREAD_BYTES = 1024 * 1024;

export interface IpcListenerOptions {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  warn: (message: string) => void;
}

export interface IpcRpcListener {
  readonly path: string;
  close(): Promise<void>;
}

/** Where the sockets go, as Discord's clients compute it. */
export function ipcSocketDirectory(env: NodeJS.ProcessEnv): string {
  const dir = env['XDG_RUNTIME_DIR'] || env['TMPDIR'] || env['TMP'] || env['TEMP'] || '/tmp';
  return dir.replace(/\/+$/, '') || '/';
}

export function ipcSocketPath(index: number, options: Pick<IpcListenerOptions, 'env' | 'platform'>): string {
  return options.platform === 'win32' ? `\\\\?\\pipe\\discord-ipc-${index}` : join(ipcSocketDirectory(options.env), `discord-ipc-${index}`);
}

export async function listenIpc(connections: RpcConnections, options: IpcListenerOptions): Promise<IpcRpcListener> {
  for (let index = 0; index < IPC_SOCKET_COUNT; index++) {
    const path = ipcSocketPath(index, options);
    if (options.platform !== 'win32' && existsSync(path)) {
      if (await answers(path)) continue;
      // Stale: a socket file with no server behind it. Replace it (Discord does the same).
      try {
        unlinkSync(path);
      } catch (error) {
        options.warn(`rpc: cannot remove stale ${path}: ${String(error)}`);
        continue;
      }
    }
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      serveIpcLink(socket, connections, options.warn);
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(path, () => resolve(true));
    });
    if (!listening) continue;
    server.on('error', (error) => options.warn(`rpc: ${path}: ${error.message}`));
    return {
      path,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return closeServer(server, path, options.platform);
      },
    };
  }
  throw new Error(`rpc: discord-ipc-0..${IPC_SOCKET_COUNT - 1} are all taken in ${options.platform === 'win32' ? 'the pipe namespace' : ipcSocketDirectory(options.env)}`);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function closeServer(server: Server, path: string, platform: NodeJS.Platform): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Node removes its Unix socket file on close; this covers a server that never fully closes.
    if (platform !== 'win32') {
      try {
        unlinkSync(path);
      } catch {
        // already gone: close() removed it
      }
    }
  });
}

function serveIpcLink(socket: Socket, connections: RpcConnections, warn: (message: string) => void): void {
  const id = connections.reserve();
  let closing = false;
  const closeWith = (code: number, message: string) => {
    if (closing) return;
    closing = true;
    clearTimeout(handshakeTimer);
    if (!socket.destroyed) {
      socket.end(encodeIpcFrame(IpcOpcode.CLOSE, { code, message }));
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    }
  };
  const handshakeTimer = setTimeout(() => closeWith(RpcCloseCode.InvalidPayload, 'Handshake timed out'), HANDSHAKE_TIMEOUT_MS);
  handshakeTimer.unref();
  socket.on('error', () => undefined); // 'close' follows and releases the link
  if (id === null) {
    closeWith(RpcCloseCode.RateLimited, 'Too many connections');
    return;
  }
  socket.on('close', () => {
    clearTimeout(handshakeTimer);
    connections.release(id);
  });

  const write = (frame: Buffer) => {
    if (closing || socket.destroyed) return;
    if (socket.writableLength > MAX_UNREAD_BYTES) {
      closing = true;
      socket.destroy();
      return;
    }
    socket.write(frame);
  };
  const peer: RpcPeer = {
    send: (message) => write(encodeIpcFrame(IpcOpcode.FRAME, message)),
    close: closeWith,
  };
  const isClosing = () => closing;
  const decoder = new IpcFrameDecoder();
  let session: RpcSession | null = null;

  const onFrame = (frame: IpcFrame): void => {
    switch (frame.op) {
      case IpcOpcode.PING:
        write(encodeRawIpcFrame(IpcOpcode.PONG, frame.raw));
        return;
      case IpcOpcode.PONG:
        return;
      case IpcOpcode.CLOSE:
        closing = true;
        socket.end();
        return;
      case IpcOpcode.HANDSHAKE: {
        if (session !== null) return closeWith(RpcCloseCode.InvalidPayload, 'Already shook hands');
        const parsed = HandshakeSchema.safeParse(parseJson(frame.raw));
        if (!parsed.success) return closeWith(RpcCloseCode.InvalidPayload, 'Invalid handshake');
        if (parsed.data.v !== 1) return closeWith(RpcCloseCode.InvalidVersion, 'Invalid Version');
        if (!isClientId(parsed.data.client_id)) return closeWith(RpcCloseCode.InvalidClientId, 'Invalid Client ID');
        clearTimeout(handshakeTimer);
        session = connections.start(id, parsed.data.client_id, peer);
        return;
      }
      case IpcOpcode.FRAME: {
        if (session === null) return closeWith(RpcCloseCode.InvalidPayload, 'Handshake first');
        const message = parseJson(frame.raw);
        if (message === INVALID_JSON) return closeWith(RpcCloseCode.InvalidPayload, 'Invalid payload: not JSON');
        session.command(message).catch((error: unknown) => {
          warn(`rpc: command failed: ${String(error)}`);
          closeWith(RpcCloseCode.InvalidPayload, 'Unknown error');
        });
        return;
      }
    }
  };

  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    const result = decoder.push(chunk);
    if (!result.ok) return closeWith(RpcCloseCode.InvalidPayload, `Invalid payload: ${result.reason}`);
    for (const frame of result.frames) {
      if (isClosing()) return;
      onFrame(frame);
    }
  });
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return INVALID_JSON;
  }
}
