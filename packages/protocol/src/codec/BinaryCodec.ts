// The project's own compact gateway encoding (`encoding=bin`), used by its clients.
//
// Frame layout (all integers little-endian; varuint = LEB128, at most 8 bytes / 53 bits):
//   u8  magic 0xC7
//   u8  op
//   u8  flags   bit0: s present, bit1: t present, bit2: t is a string (else an event index),
//               bit3: a string section ends the frame, bit4: the section is Latin-1 (needs bit3)
//   [varuint s]                              when bit0
//   [u8 event index | varuint len + utf8]    when bit1 (index into DISPATCH_EVENTS)
//   value d
//   [string section]                         when bit3: the characters of the section-string values
//        in the order of their tags, as UTF-8 (Latin-1 when bit4: the encoder sets it when all are
//        ASCII), then its byte length as a backward varuint: the frame's last byte holds the low
//        seven bits and has bit 7 set when the byte before it holds the next seven (at most 4 bytes).
//        The encoder appends the strings to one JS string and writes it with one native call; the
//        decoder decodes it with one call and slices each value out of it.
// Values are tagged with one byte:
//   0x00 null  0x01 false  0x02 true
//   0x03 integer, zigzag varuint (-2^52..2^52-1)       0x04 float64 (and larger integers)
//   0xD5-0xFF string: the next 0-42 UTF-16 code units (tag - 0xD5) of the string section
//   0x0C string: the next varuint-many UTF-16 code units of the string section
//   0x10-0x3F string of 0-47 Latin-1 bytes, inline (the encoder's choice for ASCII up to 12 chars)
//   0x05 string, varuint length + UTF-8; 0x80-0xBF string of 0-63 UTF-8 bytes (inline; older encoders)
//   0x06 snowflake as a u64 (older encoders; still read)
//   0xCF-0xD4 snowflake: a canonical decimal string of 15-20 digits (tag - 0xC0) below 2^64, no
//        leading zero, as packed BCD (two digits a byte, high nibble first, a zero nibble pads an
//        odd count): 8-10 bytes instead of 15-20, and cheap to turn back into the string
//   0x07 array, varuint count + values  0x0D empty array  0x08 object, varuint count + (key, value)
//   0x40-0x7F small integer 0-63
//   0x0A shaped object: u8 n, then the values of the first n fields of the shape its position
//        expects (dispatchShapes.ts: the event's shape for d, a field's shape below it, the same
//        shape for each element of an array), 0x09 standing for an absent field; fields after n
//        are absent. Known keys cost no bytes.
//   0x0B shaped object with extra keys: as 0x0A, then varuint count + (key, value) as in 0x08
// Object keys: one byte < 0xFF indexes KEY_DICTIONARY, 0xFF is followed by varuint length + UTF-8.
// All three tables (dictionary, events, shapes) are append-only: a new entry never changes the
// meaning of an existing frame. Frames of older encoders (no section, inline strings) still decode;
// a decoder from before the string section rejects the new frames (unknown flags) cleanly. A shaped tag where no shape is expected is a decode error.
import { DISPATCH_EVENTS, type GatewayPayload } from '../gateway.ts';
import { DecodeError, FLAG_SECTION, FLAG_SECTION_LATIN1, Reader, Writer, openSection, readValue, writeValue, type ShapeCodec } from './binaryPrimitives.ts';
import type { DecodeResult, GatewayCodec } from './GatewayCodec.ts';
import { EVENT_SHAPE_CODECS } from './shapeCodecs.generated.ts';
import { jsonCodec as jsonCodecRef } from './JsonCodec.ts';

export const BINARY_MAGIC = 0xc7;
export { KEY_DICTIONARY } from './binaryPrimitives.ts';

const EVENT_INDEX = new Map<string, number>(DISPATCH_EVENTS.map((name, index) => [name, index]));
/** Compiled shapes by event index (and by name, for frames that spell the event out). */
const SHAPE_BY_INDEX: (ShapeCodec | null)[] = DISPATCH_EVENTS.map((name) => EVENT_SHAPE_CODECS[name] ?? null);
const SHAPE_BY_NAME = new Map<string, ShapeCodec>(DISPATCH_EVENTS.flatMap((name) => {
  const shape = EVENT_SHAPE_CODECS[name];
  return shape ? [[name, shape] as const] : [];
}));

export class BinaryCodec implements GatewayCodec {
  readonly encoding = 'bin' as const;
  readonly binaryFrames = true;
  private readonly writer = new Writer();

  encode(payload: GatewayPayload): Uint8Array {
    const w = this.writer;
    // A frame abandoned by a throw (too deep) is simply overwritten: begin() starts at pos.
    w.begin();
    w.u8(BINARY_MAGIC);
    w.u8(payload.op);
    const eventIndex = payload.t === null ? undefined : EVENT_INDEX.get(payload.t);
    const flags = (payload.s !== null ? 1 : 0) | (payload.t !== null ? 2 : 0) | (payload.t !== null && eventIndex === undefined ? 4 : 0);
    const flagsOffset = w.pos - w.start;
    w.u8(flags);
    if (payload.s !== null) w.varuint(payload.s);
    if (payload.t !== null) {
      if (eventIndex !== undefined) w.u8(eventIndex);
      else w.key(payload.t);
    }
    const shape = eventIndex === undefined ? undefined : SHAPE_BY_INDEX[eventIndex];
    const d = payload.d;
    if (shape && typeof d === 'object' && d !== null && !Array.isArray(d)) shape.encode(w, d as Record<string, unknown>, 0);
    else writeValue(w, d, 0);
    const sectionFlags = w.finishSection();
    // An offset, not a position: the frame may have moved to a larger slab meanwhile.
    w.buf[w.start + flagsOffset] = flags | sectionFlags;
    return w.take();
  }

  decode(data: Uint8Array | ArrayBuffer | string): DecodeResult {
    if (typeof data === 'string') return { ok: false, error: 'binary encoding expects binary frames' };
    const r = new Reader(data instanceof Uint8Array ? data : new Uint8Array(data));
    try {
      if (r.u8() !== BINARY_MAGIC) return { ok: false, error: 'bad magic byte' };
      const op = r.u8();
      const flags = r.u8();
      if (flags > 0x1f || (flags & (FLAG_SECTION | FLAG_SECTION_LATIN1)) === FLAG_SECTION_LATIN1) return { ok: false, error: 'unknown flags' };
      const s = flags & 1 ? r.varuint() : null;
      let t: string | null = null;
      let shape: ShapeCodec | null = null;
      if (flags & 2) {
        if (flags & 4) {
          t = r.utf8(r.varuint());
          shape = SHAPE_BY_NAME.get(t) ?? null;
        } else {
          const index = r.u8();
          const name = DISPATCH_EVENTS[index];
          if (name === undefined) return { ok: false, error: `unknown event index ${index}` };
          t = name;
          shape = SHAPE_BY_INDEX[index] ?? null;
        }
      }
      if (flags & FLAG_SECTION) openSection(r, (flags & FLAG_SECTION_LATIN1) !== 0);
      const d = readValue(r, 0, shape);
      if (r.pos !== r.end) return { ok: false, error: 'trailing bytes after frame' };
      if (r.sectionPos !== r.section.length) return { ok: false, error: 'unused characters in the string section' };
      return { ok: true, payload: { op, d, s, t } };
    } catch (e) {
      if (e instanceof DecodeError) return { ok: false, error: e.message };
      return { ok: false, error: `malformed frame: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

export const binaryCodec = new BinaryCodec();

export function codecFor(encoding: string): GatewayCodec | undefined {
  if (encoding === 'json') return jsonCodecRef;
  if (encoding === 'bin') return binaryCodec;
  return undefined;
}

