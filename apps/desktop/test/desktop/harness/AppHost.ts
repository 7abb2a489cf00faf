// Stands in for Electron loading the renderer build from disk. Electron's window reads dist/web
// from the app's files, which stay available when the chat server goes away; here a small local
// HTTP host serves the same build and survives the server being stopped. The renderer talks to its
// page origin when served over http, so the host also forwards /api, /attachments and the
// /gateway websocket to the server; while the server is down those connections are reset, which
// the renderer sees exactly like "connection refused" (fetch TypeError, websocket error).
// Test-only.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const FORWARDED_PREFIXES = ['/api/', '/attachments/', '/gateway'];

export interface AppHost {
  url: string;
  /** Where /api and /gateway go; null makes every forwarded connection fail like a dead server. */
  setBackend(origin: string | null): void;
  close(): Promise<void>;
}

export async function startAppHost(webRoot: string, backendOrigin: string | null): Promise<AppHost> {
  let backend = backendOrigin === null ? null : new URL(backendOrigin);
  const root = resolve(webRoot);
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    if (FORWARDED_PREFIXES.some((prefix) => path.startsWith(prefix))) return forward(req, res);
    serveStatic(path, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function serveStatic(path: string, res: ServerResponse): void {
    const candidate = normalize(join(root, decodeURIComponent(path)));
    const inside = candidate === root || candidate.startsWith(root + sep);
    // Client-side routes (/channels/1/2) get index.html, as Electron's single-file load would.
    const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(root, 'index.html');
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  }

  function forward(req: IncomingMessage, res: ServerResponse): void {
    if (backend === null) {
      req.socket.destroy();
      return;
    }
    const upstream = request(
      { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: { ...req.headers, host: backend.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (backend === null) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(backend.port), backend.hostname, () => {
      const headers = Object.entries(req.headers)
        .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : value === undefined ? [] : [`${name}: ${value}`]))
        .join('\r\n');
      upstream.write(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n${headers}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setBackend(origin) {
      backend = origin === null ? null : new URL(origin);
      if (origin === null) for (const socket of sockets) socket.destroy(); // live websockets die with the server
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
