// Discord-compatible JSON encoding (`encoding=json`): text frames, one payload per frame.
import type { GatewayPayload } from '../gateway.ts';
import { toGatewayPayload, type DecodeResult, type GatewayCodec } from './GatewayCodec.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class JsonCodec implements GatewayCodec {
  readonly encoding = 'json' as const;
  readonly binaryFrames = false;

  encode(payload: GatewayPayload): string {
    return JSON.stringify(payload);
  }

  decode(data: Uint8Array | ArrayBuffer | string): DecodeResult {
    let text: string;
    try {
      text = typeof data === 'string' ? data : utf8.decode(data);
    } catch {
      return { ok: false, error: 'frame is not valid UTF-8' };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: 'frame is not valid JSON' };
    }
    return toGatewayPayload(value);
  }
}

export const jsonCodec = new JsonCodec();
