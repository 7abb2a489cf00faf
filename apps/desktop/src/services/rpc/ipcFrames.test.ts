import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIpcFrame, IpcFrameDecoder, IpcOpcode, MAX_IPC_PAYLOAD_BYTES } from './ipcFrames.ts';

const json = (raw: Buffer) => JSON.parse(raw.toString()) as unknown;

describe('IpcFrameDecoder', () => {
  it('splits coalesced frames and keeps a partial one for the next chunk', () => {
    const bytes = Buffer.concat([encodeIpcFrame(IpcOpcode.HANDSHAKE, { v: 1, client_id: '1' }), encodeIpcFrame(IpcOpcode.PING, 'abc'), encodeIpcFrame(IpcOpcode.FRAME, { cmd: 'X' })]);
    const decoder = new IpcFrameDecoder();
    const first = decoder.push(bytes.subarray(0, bytes.length - 3));
    expect(first.ok && first.frames.map((f) => [f.op, json(f.raw)])).toEqual([
      [0, { v: 1, client_id: '1' }],
      [3, 'abc'],
    ]);
    const rest = decoder.push(bytes.subarray(bytes.length - 3));
    expect(rest.ok && rest.frames.map((f) => [f.op, json(f.raw)])).toEqual([[1, { cmd: 'X' }]]);
  });

  it('decodes any split of any frame sequence to the same frames', () => {
    const frameArb = fc.record({ op: fc.constantFrom<IpcOpcode>(0, 1, 2, 3, 4), payload: fc.jsonValue({ maxDepth: 2 }) });
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
        const bytes = Buffer.concat(frames.map((f) => encodeIpcFrame(f.op, f.payload)));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const decoder = new IpcFrameDecoder();
        const out: unknown[] = [];
        let from = 0;
        for (const point of [...points, bytes.length]) {
          const result = decoder.push(bytes.subarray(from, point));
          if (!result.ok) return false;
          for (const f of result.frames) out.push([f.op, f.raw.toString()]);
          from = point;
        }
        expect(out).toEqual(frames.map((f) => [f.op, JSON.stringify(f.payload)]));
        return true;
      }),
    );
  });

  it('refuses an unknown opcode and a length outside 0..64 KiB without waiting for the body', () => {
    const header = (op: number, length: number) => {
      const b = Buffer.alloc(8);
      b.writeInt32LE(op, 0);
      b.writeInt32LE(length, 4);
      return b;
    };
    expect(new IpcFrameDecoder().push(header(5, 0))).toEqual({ ok: false, reason: 'unknown opcode 5' });
    expect(new IpcFrameDecoder().push(header(1, MAX_IPC_PAYLOAD_BYTES + 1))).toMatchObject({ ok: false });
    expect(new IpcFrameDecoder().push(header(1, -1))).toMatchObject({ ok: false });
    expect(new IpcFrameDecoder().push(header(1, MAX_IPC_PAYLOAD_BYTES))).toEqual({ ok: true, frames: [] });
  });

  it('never writes a frame over 64 KiB', () => {
    expect(() => encodeIpcFrame(IpcOpcode.FRAME, 'x'.repeat(MAX_IPC_PAYLOAD_BYTES))).toThrow(RangeError);
  });
});
