// The test process's end of the native voice e2e's frame port (the page's end is in
// nativeVoiceBridge.entry.ts): a WebSocket server on loopback; each connection becomes a
// PipelinePort handed to the real VoicePipelineHost with attachPort, exactly as
// registerVoicePort.main.ts hands over Electron's MessagePortMain. Binary frames are capture frames
// (Float32, 960 samples) into the pipeline and mixed frames (Int16) out of it; the rest is JSON.
// Test-only.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { PipelinePort } from '../../../src/services/voice/PipelinePort.ts';
import type { VoicePipelineHost } from '../../../src/services/voice/VoicePipelineHost.ts';

export interface VoiceRelay {
  url: string;
  /** Ports handed to the host so far. */
  readonly attached: number;
  /** Binary frames that were not 960 Float32 samples, and JSON that did not parse. */
  readonly malformed: number;
  close(): Promise<void>;
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export async function startVoiceRelay(host: VoicePipelineHost): Promise<VoiceRelay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  let attached = 0;
  let malformed = 0;
  server.on('connection', (socket: WebSocket) => {
    const port: PipelinePort = {
      post: (message) => {
        if (socket.readyState !== socket.OPEN) return;
        const pcm: unknown = typeof message === 'object' && message !== null ? Reflect.get(message, 'pcm') : undefined;
        if (pcm instanceof Int16Array) socket.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
        else socket.send(JSON.stringify(message));
      },
      onMessage: (listener) => {
        socket.on('message', (data, isBinary) => {
          if (isBinary) {
            // A copy: the pipeline wants its own aligned Float32Array.
            const bytes = bytesOf(data).slice();
            if (bytes.byteLength !== 960 * 4) malformed++;
            listener({ type: 'pcm', pcm: new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4)) });
            return;
          }
          try {
            listener(JSON.parse(Buffer.from(bytesOf(data)).toString('utf8')));
          } catch {
            malformed++;
          }
        });
      },
      close: () => socket.close(),
    };
    host.attachPort(port);
    attached++;
    socket.send('attached');
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${String(port)}`,
    get attached() {
      return attached;
    },
    get malformed() {
      return malformed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
