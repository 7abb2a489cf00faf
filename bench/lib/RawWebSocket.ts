// A minimal WebSocket client (RFC 6455) on a bare TCP socket, for load generation: no streams, no
// per-message objects beyond a Buffer view, no UTF-8 validation, no extensions. The server's frames
// are handed over as views into the received chunk together with the chunk's arrival time, which
// is read once per 'data' event. Client frames are masked with an all-zero key (allowed by the RFC
// framing; the server cannot tell), so sending costs no XOR pass.
import crypto from 'node:crypto';
import net from 'node:net';
import { monoUs } from './proc.ts';

export interface RawWebSocketHandlers {
  onOpen(): void;
  /** `payload` is a view valid only during the call; copy it to keep it. */
  onMessage(payload: Buffer, isBinary: boolean, arrivedUs: number): void;
  onClose(code: number | null, reason: string): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class RawWebSocket {
  private readonly socket: net.Socket;
  private pending: Buffer | null = null;
  private upgraded = false;
  private fragments: Buffer[] | null = null;
  private fragmentBinary = false;
  private closed = false;
  bytesReceived = 0;

  constructor(
    port: number,
    pathAndQuery: string,
    private readonly handlers: RawWebSocketHandlers,
    host = '127.0.0.1',
  ) {
    this.socket = net.connect({ port, host });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      const key = crypto.randomBytes(16).toString('base64');
      this.socket.write(
        `GET ${pathAndQuery} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => this.finish(null, 'socket error'));
    this.socket.on('close', () => this.finish(null, 'socket closed'));
  }

  private finish(code: number | null, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.handlers.onClose(code, reason);
  }

  private onData(chunk: Buffer): void {
    const arrivedUs = monoUs();
    this.bytesReceived += chunk.length;
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let off = 0;
    if (!this.upgraded) {
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        this.pending = buf;
        return;
      }
      if (buf.toString('latin1', 9, 12) !== '101') {
        this.finish(null, `upgrade refused: ${buf.toString('latin1', 0, Math.min(end, 200))}`);
        return;
      }
      this.upgraded = true;
      off = end + 4;
      this.handlers.onOpen();
    }
    const n = buf.length;
    while (n - off >= 2 && !this.closed) {
      const b0 = buf[off]!;
      const b1 = buf[off + 1]!;
      let len = b1 & 0x7f;
      let header = 2;
      if (len === 126) {
        if (n - off < 4) break;
        len = buf.readUInt16BE(off + 2);
        header = 4;
      } else if (len === 127) {
        if (n - off < 10) break;
        len = buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
        header = 10;
      }
      if (b1 & 0x80) {
        this.finish(null, 'server sent a masked frame');
        return;
      }
      if (n - off < header + len) break;
      const payload = buf.subarray(off + header, off + header + len);
      off += header + len;
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if (opcode === 0x1 || opcode === 0x2) {
        if (fin) this.handlers.onMessage(payload, opcode === 0x2, arrivedUs);
        else {
          this.fragments = [Buffer.from(payload)];
          this.fragmentBinary = opcode === 0x2;
        }
      } else if (opcode === 0x0) {
        if (!this.fragments) {
          this.finish(null, 'continuation without a first fragment');
          return;
        }
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          this.handlers.onMessage(whole, this.fragmentBinary, arrivedUs);
        }
      } else if (opcode === 0x8) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : null;
        const reason = payload.length > 2 ? payload.toString('utf8', 2) : '';
        this.writeFrame(0x8, payload.subarray(0, 2));
        this.finish(code, reason);
        return;
      } else if (opcode === 0x9) this.writeFrame(0xa, payload);
      // 0xA pong: nothing to do
    }
    if (off < n) this.pending = off === 0 ? buf : buf.subarray(off);
  }

  send(data: string | Uint8Array, binary: boolean): void {
    if (this.closed) return;
    this.writeFrame(binary ? 0x2 : 0x1, typeof data === 'string' ? Buffer.from(data) : data);
  }

  private writeFrame(opcode: number, payload: Uint8Array): void {
    if (this.closed) return;
    const len = payload.length;
    const header = len < 126 ? 6 : len < 65536 ? 8 : 14;
    const frame = Buffer.allocUnsafe(header + len);
    frame[0] = 0x80 | opcode;
    if (len < 126) frame[1] = 0x80 | len;
    else if (len < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
      frame.writeUInt32BE(len >>> 0, 6);
    }
    frame.writeUInt32BE(0, header - 4); // all-zero masking key: payload bytes go out unchanged
    frame.set(payload, header);
    this.socket.write(frame);
  }

  /** Drops the connection without a close handshake (the server sees 1006). */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
