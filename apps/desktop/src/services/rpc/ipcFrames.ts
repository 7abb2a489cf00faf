// Discord's local RPC IPC framing: int32 LE opcode, int32 LE payload length, then that many bytes of
// JSON. Sockets deliver bytes, not frames, so IpcFrameDecoder buffers partial input and splits
// coalesced input; it returns a status instead of throwing (a bad peer is normal, not exceptional).

export const IpcOpcode = { HANDSHAKE: 0, FRAME: 1, CLOSE: 2, PING: 3, PONG: 4 } as const;
export type IpcOpcode = (typeof IpcOpcode)[keyof typeof IpcOpcode];

/** Largest payload accepted or written: what Discord's clients assume of a frame. */
export const MAX_IPC_PAYLOAD_BYTES = 64 * 1024;
const HEADER_BYTES = 8;

export interface IpcFrame {
  op: IpcOpcode;
  /** The payload bytes (a PONG echoes them unchanged). Owned by the frame: a copy, not a view into the socket buffer. */
  raw: Buffer;
}

export type DecodeResult = { ok: true; frames: IpcFrame[] } | { ok: false; reason: string };

/** One frame as one Buffer, so that it goes out in one write. */
export function encodeIpcFrame(op: IpcOpcode, payload: unknown): Buffer {
  return encodeRawIpcFrame(op, Buffer.from(payload === undefined ? 'null' : JSON.stringify(payload), 'utf8'));
}

export function encodeRawIpcFrame(op: IpcOpcode, raw: Buffer): Buffer {
  if (raw.length > MAX_IPC_PAYLOAD_BYTES) throw new RangeError(`IPC frame of ${raw.length} bytes exceeds ${MAX_IPC_PAYLOAD_BYTES}`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + raw.length);
  frame.writeInt32LE(op, 0);
  frame.writeInt32LE(raw.length, 4);
  raw.copy(frame, HEADER_BYTES);
  return frame;
}

function isOpcode(op: number): op is IpcOpcode {
  return op >= IpcOpcode.HANDSHAKE && op <= IpcOpcode.PONG;
}

export class IpcFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds received bytes; returns the frames they complete. After a failure the stream is unusable. */
  push(chunk: Buffer): DecodeResult {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: IpcFrame[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const op = this.pending.readInt32LE(0);
      const length = this.pending.readInt32LE(4);
      if (!isOpcode(op)) return { ok: false, reason: `unknown opcode ${op}` };
      if (length < 0 || length > MAX_IPC_PAYLOAD_BYTES) return { ok: false, reason: `frame length ${length} outside 0..${MAX_IPC_PAYLOAD_BYTES}` };
      if (this.pending.length < HEADER_BYTES + length) break;
      frames.push({ op, raw: Buffer.from(this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length)) });
      this.pending = this.pending.subarray(HEADER_BYTES + length);
    }
    return { ok: true, frames };
  }
}
