// The way out of one socket: encode a payload in the socket's encoding (through its zlib stream
// with compress=zlib-stream), send HELLO, and close with a counted gateway close code. Encoding
// failures are counted and logged, never thrown (a codec throws on what it cannot carry).
import { GatewayOpcode, HEARTBEAT_INTERVAL_MS, type GatewayCodec, type GatewayPayload } from '@concord/protocol';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { GatewaySocket, SocketData } from './GatewaySocket.ts';
import { ZlibStream } from './ZlibStream.ts';

const HELLO: GatewayPayload = { op: GatewayOpcode.Hello, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS, _trace: ['concord-gateway'] }, s: null, t: null };

interface HelloFrames {
  frame: string | Uint8Array;
  raw: Buffer;
  deflated: Buffer;
}
const helloFrames = new Map<GatewayCodec, HelloFrames>();

/** HELLO is the same for every socket of an encoding: encoded (and compressed as a zlib stream's start) once. */
function helloFor(codec: GatewayCodec): HelloFrames {
  let hello = helloFrames.get(codec);
  if (!hello) {
    const frame = codec.encode(HELLO);
    const raw = Buffer.from(frame);
    hello = { frame, raw, deflated: ZlibStream.start(raw) };
    helloFrames.set(codec, hello);
  }
  return hello;
}

export class SocketWriter {
  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Encodes one payload, or counts and logs the failure and returns null. */
  tryEncode(codec: GatewayCodec, payload: GatewayPayload): string | Uint8Array | null {
    try {
      return codec.encode(payload);
    } catch (e) {
      const event = payload.t ?? `op${payload.op}`;
      this.metrics.encodeErrors.inc({ encoding: codec.encoding, event });
      this.log.error({ err: e, encoding: codec.encoding, event }, 'gateway event could not be encoded; dropped');
      return null;
    }
  }

  send(ws: GatewaySocket, payload: GatewayPayload): void {
    const ud = ws.getUserData();
    if (ud.phase.status === 'closed') return;
    const frame = this.tryEncode(ud.codec, payload);
    if (frame === null) return;
    if (ud.compress) {
      ws.send(zlibStreamFor(ud).compress(typeof frame === 'string' ? Buffer.from(frame) : frame), true);
      return;
    }
    ws.send(frame, ud.codec.binaryFrames);
  }

  sendHello(ws: GatewaySocket): void {
    const ud = ws.getUserData();
    const hello = helloFor(ud.codec);
    if (ud.compress) ws.send(hello.deflated, true);
    else ws.send(hello.frame, ud.codec.binaryFrames);
  }

  /** Closes with a gateway close code (counted per code); a socket already closed is left alone. */
  close(ws: GatewaySocket, code: number, reason: string): void {
    const ud = ws.getUserData();
    if (ud.phase.status === 'closed') return;
    this.metrics.gatewayCloses.inc({ code: String(code) });
    ws.end(code, reason);
  }
}

/**
 * The socket's zlib stream, made on its first frame after HELLO: a socket that never sends
 * anything costs no compression state. HELLO went out as the precomputed start of a stream.
 */
function zlibStreamFor(ud: SocketData): ZlibStream {
  ud.deflate ??= ZlibStream.continueAfter(helloFor(ud.codec).raw);
  return ud.deflate;
}
