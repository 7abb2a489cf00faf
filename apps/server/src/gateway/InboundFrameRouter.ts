// Inbound frames: size and rate limits, decoding in the socket's encoding, and routing by opcode to
// the handler of each. Malformed or unexpected input closes the socket with Discord's close code;
// a handler that throws closes it with 4000 and is counted, never the process.
import { GATEWAY_MAX_INBOUND_BYTES, GatewayCloseCode, GatewayOpcode, type GatewayPayload } from '@concord/protocol';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { countInboundFrame } from './FrameRateLimit.ts';
import type { GatewaySession } from './GatewaySession.ts';
import { sessionOf, type GatewaySocket } from './GatewaySocket.ts';
import type { SocketWriter } from './SocketWriter.ts';

const decoder = new TextDecoder();

/** The handlers of the opcodes a client may send. */
export interface OpcodeHandlers {
  identify(ws: GatewaySocket, d: unknown): void;
  resume(ws: GatewaySocket, d: unknown): void;
  presenceUpdate(ws: GatewaySocket, s: GatewaySession, d: unknown): void;
  requestGuildMembers(ws: GatewaySocket, s: GatewaySession, d: unknown): void;
  voiceStateUpdate(ws: GatewaySocket, s: GatewaySession, d: unknown): void;
}

export class InboundFrameRouter {
  constructor(
    private readonly writer: SocketWriter,
    private readonly handlers: OpcodeHandlers,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** uWS's message callback. The ArrayBuffer is only valid during this call. */
  readonly onFrame = (ws: GatewaySocket, message: ArrayBuffer, isBinary: boolean): void => {
    const ud = ws.getUserData();
    if (ud.phase.status === 'closed') return;
    if (message.byteLength > GATEWAY_MAX_INBOUND_BYTES) {
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Payload too large.');
      return;
    }
    if (!countInboundFrame(ud, Date.now())) {
      this.writer.close(ws, GatewayCloseCode.RateLimited, 'You are being rate limited.');
      return;
    }
    // Decode now (the codecs copy what they keep).
    const input = ud.codec.binaryFrames || isBinary ? new Uint8Array(message) : decoder.decode(message);
    const result = ud.codec.decode(input);
    if (!result.ok) {
      this.metrics.decodeErrors.inc();
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Error while decoding payload.');
      return;
    }
    try {
      this.route(ws, result.payload);
    } catch (e) {
      this.metrics.handlerErrors.inc({ where: 'gateway.message' });
      this.log.error({ err: e, op: result.payload.op }, 'gateway handler failed');
      this.writer.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
    }
  };

  private route(ws: GatewaySocket, p: GatewayPayload): void {
    const ud = ws.getUserData();
    switch (p.op) {
      case GatewayOpcode.Heartbeat:
        ud.lastHeartbeatAtMs = Date.now();
        this.writer.send(ws, { op: GatewayOpcode.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcode.Identify:
        this.handlers.identify(ws, p.d);
        return;
      case GatewayOpcode.Resume:
        this.handlers.resume(ws, p.d);
        return;
      case GatewayOpcode.PresenceUpdate:
      case GatewayOpcode.VoiceStateUpdate:
      case GatewayOpcode.RequestGuildMembers: {
        const s = sessionOf(ud);
        if (!s) {
          this.writer.close(ws, GatewayCloseCode.NotAuthenticated, 'Not authenticated.');
          return;
        }
        if (p.op === GatewayOpcode.PresenceUpdate) this.handlers.presenceUpdate(ws, s, p.d);
        else if (p.op === GatewayOpcode.RequestGuildMembers) this.handlers.requestGuildMembers(ws, s, p.d);
        else this.handlers.voiceStateUpdate(ws, s, p.d);
        return;
      }
      default:
        this.writer.close(ws, GatewayCloseCode.UnknownOpcode, 'Unknown opcode.');
    }
  }
}
