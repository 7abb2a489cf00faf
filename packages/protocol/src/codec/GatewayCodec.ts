// One interface for both gateway encodings. Decoders treat every byte as hostile: they return a
// typed error instead of throwing, and the gateway closes the session with 4002 on it.
import type { GatewayPayload } from '../gateway.ts';

export type GatewayEncoding = 'json' | 'bin';

export type DecodeResult =
  | { ok: true; payload: GatewayPayload }
  | { ok: false; error: string };

export interface GatewayCodec {
  readonly encoding: GatewayEncoding;
  /** True when frames are sent as binary WebSocket messages. */
  readonly binaryFrames: boolean;
  encode(payload: GatewayPayload): Uint8Array | string;
  decode(data: Uint8Array | ArrayBuffer | string): DecodeResult;
}

/** Checks the envelope every decoded frame must have: an object with a numeric op. */
export function toGatewayPayload(value: unknown): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'frame is not an object' };
  }
  const frame = value as Record<string, unknown>;
  const op = frame['op'];
  if (typeof op !== 'number' || !Number.isInteger(op) || op < 0 || op > 255) {
    return { ok: false, error: 'op must be an integer 0-255' };
  }
  const s = frame['s'];
  const t = frame['t'];
  return {
    ok: true,
    payload: {
      op,
      d: frame['d'] ?? null,
      s: typeof s === 'number' && Number.isSafeInteger(s) ? s : null,
      t: typeof t === 'string' ? t : null,
    },
  };
}
