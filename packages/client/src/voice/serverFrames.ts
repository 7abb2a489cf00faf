// The voice gateway's server -> client frames, parsed once where they enter the SDK: the protocol
// package describes them as interfaces (the server builds them); a client must not trust them, so
// each op it acts on has a schema here. A frame that fails its schema is reported and ignored.
import { VoiceOpcode } from '@concord/protocol';
import { z } from 'zod';

const ssrc = z.number().int().min(0).max(0xffffffff);

export const HelloFrame = z.object({ heartbeat_interval: z.number().positive().max(3_600_000) });
export const ReadyFrame = z.object({
  ssrc,
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65535),
  modes: z.array(z.string().max(64)).max(32),
});
export const SessionDescriptionFrame = z.object({
  mode: z.string().max(64),
  secret_key: z.array(z.number().int().min(0).max(255)).length(32),
});
export const SpeakingFrame = z.object({ user_id: z.string().min(1).max(32), ssrc, speaking: z.number().int().min(0) });
export const ClientsConnectFrame = z.object({ user_ids: z.array(z.string().min(1).max(32)).max(10_000) });
export const ClientDisconnectFrame = z.object({ user_id: z.string().min(1).max(32) });

export type ServerFrame =
  | { op: typeof VoiceOpcode.Hello; d: z.infer<typeof HelloFrame> }
  | { op: typeof VoiceOpcode.Ready; d: z.infer<typeof ReadyFrame> }
  | { op: typeof VoiceOpcode.SessionDescription; d: z.infer<typeof SessionDescriptionFrame> }
  | { op: typeof VoiceOpcode.Speaking; d: z.infer<typeof SpeakingFrame> }
  | { op: typeof VoiceOpcode.ClientsConnect; d: z.infer<typeof ClientsConnectFrame> }
  | { op: typeof VoiceOpcode.ClientDisconnect; d: z.infer<typeof ClientDisconnectFrame> }
  | { op: typeof VoiceOpcode.HeartbeatAck }
  | { op: typeof VoiceOpcode.Resumed };

const Envelope = z.object({ op: z.number().int(), d: z.unknown(), seq: z.number().int().optional() });

export type ParsedFrame = { ok: true; frame: ServerFrame | null; seq: number | undefined } | { ok: false; error: string };

/** Parses one text frame. `frame` is null for a valid envelope with an op the client does not use. */
export function parseServerFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) return { ok: false, error: 'not a voice gateway frame' };
  const { op, d, seq } = envelope.data;
  const fail = (error: z.ZodError): ParsedFrame => ({ ok: false, error: `op ${String(op)}: ${error.issues[0]?.message ?? 'invalid'}` });
  switch (op) {
    case VoiceOpcode.Hello: {
      const r = HelloFrame.safeParse(d);
      return r.success ? { ok: true, frame: { op, d: r.data }, seq } : fail(r.error);
    }
    case VoiceOpcode.Ready: {
      const r = ReadyFrame.safeParse(d);
      return r.success ? { ok: true, frame: { op, d: r.data }, seq } : fail(r.error);
    }
    case VoiceOpcode.SessionDescription: {
      const r = SessionDescriptionFrame.safeParse(d);
      return r.success ? { ok: true, frame: { op, d: r.data }, seq } : fail(r.error);
    }
    case VoiceOpcode.Speaking: {
      const r = SpeakingFrame.safeParse(d);
      return r.success ? { ok: true, frame: { op, d: r.data }, seq } : fail(r.error);
    }
    case VoiceOpcode.ClientsConnect: {
      const r = ClientsConnectFrame.safeParse(d);
      return r.success ? { ok: true, frame: { op, d: r.data }, seq } : fail(r.error);
    }
    case VoiceOpcode.ClientDisconnect: {
      const r = ClientDisconnectFrame.safeParse(d);
      return r.success ? { ok: true, frame: { op, d: r.data }, seq } : fail(r.error);
    }
    case VoiceOpcode.HeartbeatAck:
    case VoiceOpcode.Resumed:
      return { ok: true, frame: { op }, seq };
    default:
      return { ok: true, frame: null, seq };
  }
}
