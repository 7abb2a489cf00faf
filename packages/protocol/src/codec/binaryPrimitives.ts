// The binary codec's building blocks: the output slab, the input reader, the tagged generic values
// and the key dictionary. The frame layout is documented in BinaryCodec.ts; the per-event shaped
// encoders and decoders (shapeCodecs.generated.ts) are built from these.

import { latin1Slice, utf8Slice, utf8Write } from './nodeStringMethods.ts';

export const TAG_ABSENT = 0x09;
export const TAG_SHAPED = 0x0a;
export const TAG_SHAPED_EXTRAS = 0x0b;
export const TAG_ARRAY = 0x07;
/** 0x10-0x3F: a string of 0-47 Latin-1 bytes (inline; older encoders' choice for short ASCII values). */
const TAG_LATIN1 = 0x10;
/** String values up to this many characters go inline when ASCII (tag 0x10-0x3F), the rest into the string section. */
const INLINE_MAX_CHARS = 12;
/** 0xD5-0xFF: the next 0-42 UTF-16 code units of the frame's string section (tag - 0xD5). */
const TAG_SECTION_SHORT = 0xd5;
const SECTION_SHORT_MAX = 0xff - TAG_SECTION_SHORT;
/** 0x0C: the next varuint-many UTF-16 code units of the string section. */
const TAG_SECTION_LONG = 0x0c;
/** 0x0D: an empty array (one byte instead of 0x07 and a zero count). */
export const TAG_EMPTY_ARRAY = 0x0d;
/** Frame flag bits (BinaryCodec.ts) of the string section: present, and written as Latin-1. */
export const FLAG_SECTION = 0x08;
export const FLAG_SECTION_LATIN1 = 0x10;

/**
 * One shape's compiled encoder and decoder (generated from dispatchShapes.ts). `encode` writes an
 * object as tag 0x0A/0x0B; `decode` reads one after its tag.
 */
export interface ShapeCodec {
  readonly keys: ReadonlySet<string>;
  encode(w: Writer, obj: Record<string, unknown>, depth: number): void;
  decode(r: Reader, depth: number, withExtras: boolean): Record<string, unknown>;
}

export const KEY_DICTIONARY = [
  'id', 'type', 'name', 'content', 'channel_id', 'guild_id', 'author', 'username', 'discriminator',
  'global_name', 'avatar', 'bot', 'timestamp', 'edited_timestamp', 'tts', 'mention_everyone',
  'mentions', 'mention_roles', 'attachments', 'embeds', 'reactions', 'nonce', 'pinned', 'flags',
  'message_reference', 'referenced_message', 'user', 'user_id', 'member', 'roles', 'nick',
  'joined_at', 'deaf', 'mute', 'permissions', 'position', 'color', 'hoist', 'managed',
  'mentionable', 'topic', 'nsfw', 'last_message_id', 'rate_limit_per_user', 'parent_id',
  'permission_overwrites', 'allow', 'deny', 'bitrate', 'user_limit', 'recipients', 'owner_id',
  'icon', 'description', 'channels', 'members', 'presences', 'status', 'activities', 'client_status',
  'emoji', 'count', 'me', 'message_id', 'session_id', 'resume_gateway_url', 'guilds', 'private_channels',
  'read_state', 'v', 'heartbeat_interval', 'token', 'properties', 'presence', 'since', 'afk',
  'large', 'unavailable', 'member_count', 'premium_tier', 'features', 'mention_count',
  'last_pinned_timestamp', 'ids', 'code', 'max_age', 'max_uses', 'uses', 'temporary', 'created_at',
  'expires_at', 'inviter', 'url', 'title', 'value', 'inline', 'fields', 'footer', 'image', 'thumbnail',
  'text', 'width', 'height', 'size', 'filename', 'content_type', 'proxy_url', 'application_id',
  'webhook_id', 'components', 'data', 'options', 'intents', 'shard', 'seq', 'pending', 'public_flags',
  'premium_since', 'communication_disabled_until', 'banner', 'accent_color', 'email', 'verified',
  'mfa_enabled', 'locale', 'premium_type', 'entries', 'partial', 'version', 'application', 'state',
  'details', 'party', 'assets', 'timestamps', 'start', 'end', 'large_image', 'large_text',
  'small_image', 'small_text', 'buttons', 'self_mute', 'self_deaf', 'self_video', 'self_stream',
  'suppress', 'request_to_speak_timestamp', 'endpoint', 'burst', 'me_burst', 'count_details',
  'normal', 'emoji_id', 'emoji_name', 'last_message_pin_timestamp', 'chunk_index', 'chunk_count',
  'not_found', 'query', 'limit', 'user_ids', 'd', 'op', 's', 't', 'owner', 'afk_channel_id',
  'system_channel_id', 'verification_level', 'default_message_notifications', 'explicit_content_filter',
  'mfa_level', 'unicode_emoji', 'tags', 'position_overwrites', 'video_quality_mode', 'rtc_region',
  'interaction', 'interaction_metadata', 'custom_id', 'style', 'label', 'disabled', 'placeholder',
  'min_values', 'max_values', 'resolved', 'locale', 'guild_locale', 'app_permissions', 'entitlements',
] as const;

const KEY_INDEX = new Map<string, number>();
KEY_DICTIONARY.forEach((key, index) => {
  if (!KEY_INDEX.has(key)) KEY_INDEX.set(key, index);
});
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the guard for when the table grows past one byte
if (KEY_DICTIONARY.length > 255) throw new Error('KEY_DICTIONARY must fit in one byte below 0xFF');

export const MAX_DEPTH = 64;
export const MAX_COLLECTION = 1 << 20;
const ZIGZAG_LIMIT = 2 ** 52;

const textEncoder = new TextEncoder();
// ignoreBOM: a string value that starts with U+FEFF keeps it (the default strips it: found by the shaped round-trip property).
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Tags 0xCF-0xD4: a canonical snowflake of 15-20 digits (tag - 0xC0) as packed BCD. */
const TAG_BCD_BASE = 0xc0;
const BCD_MIN_DIGITS = 15;
const BCD_MAX_DIGITS = 20;
const U64_MAX_DECIMAL = '18446744073709551615';

/**
 * Writes a canonical snowflake (15-20 digits, no leading zero, below 2^64) as tag 0xC0 + its digit
 * count, then its digits as packed BCD, high nibble first (a zero nibble pads an odd count): a loop
 * over char codes, with no 64-bit arithmetic on either side. Returns false, moving nothing, when the
 * string is not one (digits already copied past `pos` are simply overwritten later).
 */
function tryWriteSnowflake(w: Writer, s: string): boolean {
  const n = s.length;
  if (n < BCD_MIN_DIGITS || n > BCD_MAX_DIGITS) return false;
  const first = s.charCodeAt(0);
  if (first < 49 || first > 57) return false;
  if (n === BCD_MAX_DIGITS && s > U64_MAX_DECIMAL) return false; // >= 2^64 (same length: string order is numeric order)
  w.ensure(11);
  const buf = w.buf;
  let p = w.pos;
  buf[p++] = TAG_BCD_BASE + n;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const hi = s.charCodeAt(i) - 48;
    const lo = s.charCodeAt(i + 1) - 48;
    if (hi >>> 0 > 9 || lo >>> 0 > 9) return false;
    buf[p++] = (hi << 4) | lo;
  }
  if (i < n) {
    const hi = s.charCodeAt(i) - 48;
    if (hi >>> 0 > 9) return false;
    buf[p++] = hi << 4;
  }
  w.pos = p;
  return true;
}

const SNOWFLAKE_CACHE_SIZE = 1024;
const snowflakeCacheLo = new Uint32Array(SNOWFLAKE_CACHE_SIZE);
const snowflakeCacheHi = new Uint32Array(SNOWFLAKE_CACHE_SIZE);
const snowflakeCacheStr = new Array<string | undefined>(SNOWFLAKE_CACHE_SIZE);

/** The decimal string of the u64 made of two 32-bit limbs, in base-10^6 steps (all exact in doubles). */
function u64ToDecimal(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo); // below 2^53: exact as a double
  // Long division by 10^9 over four 16-bit limbs; each step stays below 2^53.
  let cur = hi >>> 16;
  let q = Math.floor(cur / 1e9);
  let r = cur - q * 1e9;
  cur = r * 65536 + (hi & 0xffff);
  let d = Math.floor(cur / 1e9);
  q = q * 65536 + d;
  r = cur - d * 1e9;
  cur = r * 65536 + (lo >>> 16);
  d = Math.floor(cur / 1e9);
  q = q * 65536 + d;
  r = cur - d * 1e9;
  cur = r * 65536 + (lo & 0xffff);
  d = Math.floor(cur / 1e9);
  q = q * 65536 + d;
  r = cur - d * 1e9;
  // q < 1.9e10 and r < 10^9: the decimal is q followed by r on nine digits.
  const tail = String(r);
  return String(q) + '000000000'.slice(tail.length) + tail;
}

const SLAB_BYTES = 64 * 1024;

/**
 * The output buffer: frames are written one after another into a slab and handed out as views of
 * it (as Node's Buffer pool does), so a frame costs no allocation of its own and no copy. A frame
 * that outgrows the slab's rest moves to a new slab; the old one lives as long as views of it do.
 * Encoding is synchronous, so one frame is in progress at a time, from `start` to `pos`.
 */
export class Writer {
  buf = new Uint8Array(SLAB_BYTES);
  view = new DataView(this.buf.buffer);
  start = 0;
  pos = 0;
  /**
   * The frame's string values so far, appended in the order their tags are written (V8 makes `+=`
   * a rope: no copy until finishSection writes it out in one native call).
   */
  section = '';

  /** Starts a frame; a slab with little room left is replaced first. */
  begin(): void {
    if (this.buf.length - this.pos < 1024) this.replace(SLAB_BYTES, 0);
    this.start = this.pos;
    this.section = '';
  }

  /** A string value: its tag and length here, its characters in the string section. */
  sectionString(s: string): void {
    const n = s.length;
    if (n <= SECTION_SHORT_MAX) {
      this.ensure(1);
      this.buf[this.pos++] = TAG_SECTION_SHORT + n;
    } else {
      this.u8(TAG_SECTION_LONG);
      this.varuint(n);
    }
    this.section += s;
  }

  /**
   * Ends the frame's structure: writes the string section (one native UTF-8 write of all the
   * strings) and after it its byte length as a backward varuint (the frame's last byte holds the low
   * seven bits, with bit 7 set when the byte before it holds the next seven), so the decoder finds
   * the section from the end.
   * Returns the frame flags to set: none without strings, FLAG_SECTION, plus FLAG_SECTION_LATIN1
   * when every character took one byte (ASCII), which lets the decoder skip the UTF-8 check.
   */
  finishSection(): number {
    const s = this.section;
    const n = s.length;
    if (n === 0) return 0;
    this.section = '';
    const maxBytes = n * 3;
    this.ensure(maxBytes + 5);
    const start = this.pos;
    const bytes = utf8Write !== null ? utf8Write.call(this.buf, s, start, maxBytes) : textEncoder.encodeInto(s, this.buf.subarray(start, start + maxBytes)).written;
    // Backward varuint: written from the frame's last byte towards the section.
    const buf = this.buf;
    const end = start + bytes + varuintSize(bytes);
    let p = end;
    let v = bytes;
    do {
      const group = v & 0x7f;
      v = Math.floor(v / 0x80);
      buf[--p] = v > 0 ? group | 0x80 : group;
    } while (v > 0);
    this.pos = end;
    return bytes === n ? FLAG_SECTION | FLAG_SECTION_LATIN1 : FLAG_SECTION;
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const used = this.pos - this.start;
    let size = SLAB_BYTES;
    while (size < used + extra) size *= 2;
    this.replace(size, used);
  }

  /** Moves the frame in progress (`used` bytes) to the start of a new slab of `size` bytes. */
  private replace(size: number, used: number): void {
    const next = new Uint8Array(size);
    if (used > 0) next.set(this.buf.subarray(this.start, this.start + used));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.pos = used;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  varuint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /**
   * A short string value inline, as 0x10 + length and its characters (one byte each), when it is
   * ASCII; returns false otherwise (bytes copied past `pos` are simply overwritten later). Below
   * INLINE_MAX_CHARS a copy loop beats a place in the string section: the decoder would copy such a
   * short slice anyway, and its intern cache returns a recurring one without allocating.
   */
  inlineAscii(s: string): boolean {
    const len = s.length;
    this.ensure(len + 1);
    const buf = this.buf;
    const start = this.pos;
    let p = start + 1;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[p++] = c;
    }
    buf[start] = TAG_LATIN1 + len;
    this.pos = p;
    return true;
  }

  /**
   * A literal object key or event name: varuint byte length + UTF-8. ASCII up to 127 characters is
   * copied char by char; the rest is encoded by Node's native writer (TextEncoder outside Node)
   * after room for the length an all-ASCII key would have, moved up when its length needs more.
   */
  key(s: string): void {
    const len = s.length;
    if (len < 128) {
      this.ensure(len + 1);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === len) {
        buf[start] = len;
        this.pos = p;
        return;
      }
    }
    const maxBytes = len * 3;
    const guess = varuintSize(len);
    this.ensure(maxBytes + 9);
    const start = this.pos;
    const bytes = utf8Write !== null ? utf8Write.call(this.buf, s, start + guess, maxBytes) : textEncoder.encodeInto(s, this.buf.subarray(start + guess)).written;
    const header = varuintSize(bytes);
    if (header !== guess) this.buf.copyWithin(start + header, start + guess, start + guess + bytes);
    this.pos = start;
    this.varuint(bytes);
    this.pos = start + header + bytes;
  }

  /** The finished frame, a view of the slab (its `.buffer` is the whole slab: use byteOffset/byteLength). */
  take(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    // A frame that needed a slab of its own (a big READY) leaves it: the next frame starts afresh.
    if (this.buf.length > SLAB_BYTES) this.replace(SLAB_BYTES, 0);
    this.start = this.pos;
    return out;
  }
}

function varuintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

export function writeValue(w: Writer, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
  switch (typeof value) {
    case 'string':
      if (value.length <= INLINE_MAX_CHARS) {
        if (!w.inlineAscii(value)) w.sectionString(value);
      } else if (!tryWriteSnowflake(w, value)) w.sectionString(value);
      return;
    case 'number':
      // Zigzag doubles the magnitude, so only |value| <= 2^52 stays a safe varuint that the
      // decoder accepts; larger safe integers go as float64, which holds them exactly.
      if (Number.isSafeInteger(value) && value < ZIGZAG_LIMIT && value >= -ZIGZAG_LIMIT) {
        if (value >= 0 && value < 64) w.u8(0x40 + value);
        else {
          w.u8(0x03);
          w.varuint(value >= 0 ? value * 2 : -value * 2 - 1);
        }
      } else if (Number.isFinite(value)) {
        w.ensure(9);
        w.buf[w.pos++] = 0x04;
        w.view.setFloat64(w.pos, value, true);
        w.pos += 8;
      } else w.u8(0x00); // JSON turns NaN/Infinity into null too
      return;
    case 'boolean':
      w.u8(value ? 0x02 : 0x01);
      return;
    case 'bigint':
      w.sectionString(value.toString());
      return;
    case 'object':
      if (value === null) {
        w.u8(0x00);
        return;
      }
      if (Array.isArray(value)) {
        if (value.length === 0) {
          w.u8(TAG_EMPTY_ARRAY);
          return;
        }
        w.u8(0x07);
        w.varuint(value.length);
        for (const item of value) writeValue(w, item === undefined ? null : item, depth + 1);
        return;
      }
      {
        const obj = value as Record<string, unknown>;
        // One pass: reserve one byte for the count (objects rarely have >= 128 keys) and fix it up.
        w.ensure(2);
        w.buf[w.pos++] = 0x08;
        // Kept relative to the frame's start: the frame may move to a new slab while its values are written.
        const countOffset = w.pos++ - w.start;
        let count = 0;
        for (const key in obj) {
          const v = obj[key];
          if (v === undefined || typeof v === 'function') continue;
          count++;
          const index = KEY_INDEX.get(key);
          if (index !== undefined) w.u8(index);
          else {
            w.u8(0xff);
            w.key(key);
          }
          writeValue(w, v, depth + 1);
        }
        let countAt = w.start + countOffset;
        if (count < 0x80) w.buf[countAt] = count;
        else {
          const extra = varuintSize(count) - 1;
          w.ensure(extra);
          countAt = w.start + countOffset;
          w.buf.copyWithin(countAt + 1 + extra, countAt + 1, w.pos);
          w.pos += extra;
          let v = count;
          let p = countAt;
          while (v >= 0x80) {
            w.buf[p++] = (v % 0x80) | 0x80;
            v = Math.floor(v / 0x80);
          }
          w.buf[p] = v;
        }
      }
      return;
    default:
      w.u8(0x00); // undefined, symbol, function: as JSON.stringify would drop/null them
  }
}

/** Writes an object (or an array of objects) in `shape`; other values go the generic way. */
export class DecodeError extends Error {}

export class Reader {
  pos = 0;
  /** The frame's string section, decoded once (BinaryCodec.decode sets it), and how much of it was taken. */
  section = '';
  sectionPos = 0;
  private dataView: DataView | null = null;
  /** Where the frame's structure ends: the end of `buf`, or the start of the string section. */
  end: number;
  constructor(readonly buf: Uint8Array) {
    this.end = buf.length;
    // The DataView is made on first use (floats only): most frames have none, and it costs an allocation.
  }

  get view(): DataView {
    this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.dataView;
  }

  u8(): number {
    if (this.pos >= this.end) throw new DecodeError('unexpected end of frame');
    return this.buf[this.pos++]!;
  }

  varuint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) throw new DecodeError('varuint out of range');
        return result;
      }
      scale *= 0x80;
    }
    throw new DecodeError('varuint too long');
  }

  /** Advances over n bytes of a fixed-width value (read with `view` at pos - n), without allocating. */
  skip(n: number): void {
    if (n > this.end - this.pos) throw new DecodeError('length exceeds frame');
    this.pos += n;
  }

  /**
   * The next n UTF-16 code units of the string section. Slices of 13 or more characters are views
   * of the section (V8 sliced strings, no copy), so a kept string keeps the whole section alive:
   * for a READY, a few kilobytes.
   */
  sectionString(n: number): string {
    const p = this.sectionPos;
    const end = p + n;
    if (end > this.section.length) throw new DecodeError('string exceeds the string section');
    this.sectionPos = end;
    return this.section.slice(p, end);
  }

  /** n bytes as Latin-1 code points: every byte sequence is a valid string, nothing to check. */
  latin1(n: number): string {
    const buf = this.buf;
    const start = this.pos;
    if (n > this.end - start) throw new DecodeError('length exceeds frame');
    const end = start + n;
    this.pos = end;
    if (n <= INTERN_MAX_BYTES) return internedLatin1(buf, start, end);
    return sliceLatin1(buf, start, end);
  }

  utf8(n: number): string {
    if (n > this.end - this.pos) throw new DecodeError('length exceeds frame');
    const buf = this.buf;
    const start = this.pos;
    const end = start + n;
    // Short ASCII comes from the intern cache; the check costs less than a native call.
    let ascii = n <= INTERN_MAX_BYTES;
    if (ascii) {
      for (let i = start; i < end; i++) {
        if (buf[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
    }
    if (ascii) {
      this.pos = end;
      return internedLatin1(buf, start, end);
    }
    const str = decodeUtf8(buf, start, end);
    this.pos = end;
    return str;
  }
}

/**
 * Finds and decodes the string section at the end of `r.buf` (after the header, before the
 * structure is read): reads the backward varuint length, decodes the section in one call (Node's
 * latin1Slice/utf8Slice, else TextDecoder or char codes) and ends the structure (`r.end`) before it.
 * `latin1`: the frame says every character is one byte (any byte is then a valid character).
 */
export function openSection(r: Reader, latin1: boolean): void {
  const buf = r.buf;
  let p = r.end;
  let bytes = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    if (i === 4) throw new DecodeError('string section length too long');
    if (p <= r.pos) throw new DecodeError('unexpected end of frame');
    const b = buf[--p]!;
    bytes += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) break;
    scale *= 0x80;
  }
  const start = p - bytes;
  if (start < r.pos) throw new DecodeError('string section exceeds frame');
  r.section = latin1 ? sliceLatin1(buf, start, p) : decodeUtf8(buf, start, p);
  r.end = start;
}

/** bytes [start, end) as UTF-8, strictly: invalid input is a DecodeError. */
function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  if (utf8Slice !== null) {
    // Node decodes (and scans) natively in one call; only a result with U+FFFD, which may stand
    // for invalid input, goes on to the fatal decoder below.
    const str = utf8Slice.call(buf, start, end);
    if (str.indexOf('\ufffd') === -1) return str;
  }
  try {
    return textDecoder.decode(buf.subarray(start, end));
  } catch {
    throw new DecodeError('invalid UTF-8');
  }
}

/** Reads one value; `shape` is what a shaped object at this position (or in this array) follows. */
export function readValue(r: Reader, depth: number, shape: ShapeCodec | null): unknown {
  if (depth > MAX_DEPTH) throw new DecodeError('value nested too deeply');
  return readTagged(r, r.u8(), depth, shape);
}

/** bytes [start, end) as Latin-1 code points, built natively where the platform allows. */
function sliceLatin1(buf: Uint8Array, start: number, end: number): string {
  if (latin1Slice !== null) return latin1Slice.call(buf, start, end);
  if (end - start <= 16) {
    let out = '';
    for (let i = start; i < end; i++) out += String.fromCharCode(buf[i]!);
    return out;
  }
  // Chunks keep the argument count far below the engines' limits (a string section can be large).
  let out = '';
  for (let i = start; i < end; i += 4096) out += String.fromCharCode.apply(null, buf.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  return out;
}

/**
 * Short strings recur (names, statuses, timestamps, channel names): a direct-mapped cache of the
 * strings made from recently read Latin-1 byte runs, checked byte for byte against the input, so a
 * hit costs a comparison instead of a new string (about half the time of Node's native slice). Any
 * bytes only ever replace one slot: the cache stays INTERN_SLOTS strings of <= INTERN_MAX_BYTES.
 */
const INTERN_MAX_BYTES = 32;
const INTERN_SLOTS = 4096;
const internCache = new Array<string>(INTERN_SLOTS).fill('');
const SINGLE_CHARS = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code));

function internedLatin1(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n < 2) return n === 0 ? '' : SINGLE_CHARS[buf[start]!]!;
  const slot = (Math.imul(n, 0x9e37) ^ Math.imul(buf[start]!, 0x45d9) ^ Math.imul(buf[end - 1]!, 0x2c1b) ^ Math.imul(buf[start + (n >> 1)]!, 0x1f3) ^ (buf[end - 2]! * 7)) & (INTERN_SLOTS - 1);
  const cached = internCache[slot]!;
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return cached;
  }
  const str = sliceLatin1(buf, start, end);
  internCache[slot] = str;
  return str;
}

/** Tag 0x06's u64 as its decimal string (the encoder now writes BCD; frames with 0x06 stay readable). */
function readSnowflake(r: Reader): string {
  const buf = r.buf;
  const p = r.pos;
  if (r.end - p < 8) throw new DecodeError('length exceeds frame');
  r.pos = p + 8;
  const lo = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
  const hi = (buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24)) >>> 0;
  // The same ids recur in every frame (authors, channels, guilds): a small direct-mapped cache
  // of their decimal strings saves most conversions.
  const slot = lo & (SNOWFLAKE_CACHE_SIZE - 1);
  const cached = snowflakeCacheStr[slot];
  if (cached !== undefined && snowflakeCacheLo[slot] === lo && snowflakeCacheHi[slot] === hi) return cached;
  const str = u64ToDecimal(hi, lo);
  snowflakeCacheLo[slot] = lo;
  snowflakeCacheHi[slot] = hi;
  snowflakeCacheStr[slot] = str;
  return str;
}

/** The digits' char codes of a BCD snowflake, filled by readBcdSnowflake before one fromCharCode call. */
const bcdDigits = new Uint8Array(BCD_MAX_DIGITS);
const fromCharCode = String.fromCharCode;

/**
 * Tags 0xCF-0xD4: `n` digits of packed BCD as their decimal string. Every nibble is checked (0-9,
 * a non-zero first digit, a zero pad nibble); the string is made by one fromCharCode call of fixed
 * arity, much cheaper than printing a u64.
 */
function readBcdSnowflake(r: Reader, n: number): string {
  const buf = r.buf;
  let p = r.pos;
  const bytes = (n + 1) >> 1;
  if (r.end - p < bytes) throw new DecodeError('length exceeds frame');
  r.pos = p + bytes;
  const d = bcdDigits;
  for (let i = 0; i < n; i += 2) {
    const x = buf[p++]!;
    const hi = x >> 4;
    const lo = x & 0x0f;
    if (hi > 9 || lo > 9) throw new DecodeError('invalid BCD digit');
    d[i] = 48 + hi;
    d[i + 1] = 48 + lo; // for an odd n this is the pad nibble, checked below (bcdDigits has room)
  }
  if (d[0] === 48) throw new DecodeError('BCD snowflake with a leading zero');
  if ((n & 1) === 1 && d[n] !== 48) throw new DecodeError('non-zero BCD pad nibble');
  switch (n) {
    case 15:
      return fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!);
    case 16:
      return fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!);
    case 17:
      return fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!, d[16]!);
    case 18:
      return fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!, d[16]!, d[17]!);
    case 19:
      return fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!, d[16]!, d[17]!, d[18]!);
    default:
      return fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!, d[16]!, d[17]!, d[18]!, d[19]!);
  }
}

/**
 * A shaped field's value after its tag: the common scalars inline (small enough for V8 to inline
 * into the generated decoders), the rest through readTagged.
 */
export function readField(r: Reader, tag: number, depth: number, shape: ShapeCodec | null): unknown {
  if (tag >= 0x40) {
    if (tag >= TAG_SECTION_SHORT) return r.sectionString(tag - TAG_SECTION_SHORT);
    if (tag < 0x80) return tag - 0x40;
    if (tag < 0xc0) return r.utf8(tag - 0x80);
    if (tag >= TAG_BCD_BASE + BCD_MIN_DIGITS && tag <= TAG_BCD_BASE + BCD_MAX_DIGITS) return readBcdSnowflake(r, tag - TAG_BCD_BASE);
  } else if (tag >= TAG_LATIN1) return r.latin1(tag - TAG_LATIN1);
  else if (tag === 0x06) return readSnowflake(r);
  else if (tag === 0x00) return null;
  else if (tag === 0x01) return false;
  else if (tag === 0x02) return true;
  return readTagged(r, tag, depth, shape);
}

/** A shaped field's value: strings, booleans and null inline, the rest through writeValue. */
export function writeField(w: Writer, v: unknown, depth: number): void {
  if (typeof v === 'string') {
    // Only strings of snowflake length are worth the call (most names and timestamps are not).
    const n = v.length;
    if (n <= INLINE_MAX_CHARS) {
      if (!w.inlineAscii(v)) w.sectionString(v);
    } else if (n < 15 || n > 20 || !tryWriteSnowflake(w, v)) w.sectionString(v);
  } else if (typeof v === 'boolean') w.u8(v ? 0x02 : 0x01);
  else if (v === null) w.u8(0x00);
  else if (typeof v === 'number' && v >= 0 && v < 64 && Number.isInteger(v)) w.u8(0x40 + v);
  else writeValue(w, v, depth);
}

export function readTagged(r: Reader, tag: number, depth: number, shape: ShapeCodec | null): unknown {
  if (tag >= TAG_SECTION_SHORT) return r.sectionString(tag - TAG_SECTION_SHORT);
  if (tag >= 0x80 && tag <= 0xbf) return r.utf8(tag - 0x80);
  if (tag >= TAG_LATIN1 && tag < 0x40) return r.latin1(tag - TAG_LATIN1);
  if (tag >= 0x40 && tag <= 0x7f) return tag - 0x40;
  if (tag >= TAG_BCD_BASE + BCD_MIN_DIGITS && tag <= TAG_BCD_BASE + BCD_MAX_DIGITS) return readBcdSnowflake(r, tag - TAG_BCD_BASE);
  switch (tag) {
    case 0x00:
      return null;
    case 0x01:
      return false;
    case 0x02:
      return true;
    case 0x03: {
      const z = r.varuint();
      return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    }
    case 0x04: {
      r.skip(8);
      const v = r.view.getFloat64(r.pos - 8, true);
      if (!Number.isFinite(v)) throw new DecodeError('non-finite float');
      return v;
    }
    case 0x05:
      return r.utf8(r.varuint());
    case 0x06:
      return readSnowflake(r);
    case 0x07: {
      const count = r.varuint();
      if (count > MAX_COLLECTION || count > r.end - r.pos) throw new DecodeError('array length exceeds frame');
      const out: unknown[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = readValue(r, depth + 1, shape);
      return out;
    }
    case 0x08: {
      const out: Record<string, unknown> = {};
      readKeyedFields(r, out, depth);
      return out;
    }
    case TAG_SECTION_LONG:
      return r.sectionString(r.varuint());
    case TAG_EMPTY_ARRAY:
      return [];
    case TAG_SHAPED:
    case TAG_SHAPED_EXTRAS:
      if (shape === null) throw new DecodeError('shaped object where no shape is expected');
      return shape.decode(r, depth, tag === TAG_SHAPED_EXTRAS);
    default:
      throw new DecodeError(`unknown value tag 0x${tag.toString(16)}`);
  }
}

/** Starts an array written by a generated list encoder: checks depth, writes tag and count (an empty one as 0x0D). */
export function beginList(w: Writer, length: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
  if (length === 0) w.u8(TAG_EMPTY_ARRAY);
  else {
    w.u8(TAG_ARRAY);
    w.varuint(length);
  }
}

/**
 * Starts a shaped object: checks depth, reserves tag and count, returns the tag's offset from the
 * frame start (offsets survive the frame moving to a larger slab).
 */
export function beginShaped(w: Writer, depth: number): number {
  if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
  w.ensure(2);
  const tagOffset = w.pos - w.start;
  w.buf[w.pos] = TAG_SHAPED;
  w.pos += 2;
  return tagOffset;
}

/** `count` absent-field markers, written when a later field of the object turns out present. */
export function writeAbsent(w: Writer, count: number): void {
  w.ensure(count);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < count; i++) buf[p++] = TAG_ABSENT;
  w.pos = p;
}

/**
 * Ends a shaped object: writes the count (`written`: fields up to the last present one, absent
 * ones included), and appends keys outside the shape (tag 0x0B). `present` counts the fields present.
 */
export function endShaped(w: Writer, obj: Record<string, unknown>, shape: ShapeCodec, tagOffset: number, written: number, present: number, depth: number): void {
  w.buf[w.start + tagOffset + 1] = written;
  let keyCount = 0;
  for (const _ in obj) keyCount++;
  if (keyCount === present) return;
  const keys = shape.keys;
  let extras = 0;
  for (const key in obj) {
    const v = obj[key];
    if (!keys.has(key) && v !== undefined && typeof v !== 'function') extras++;
  }
  if (extras === 0) return;
  w.buf[w.start + tagOffset] = TAG_SHAPED_EXTRAS;
  w.varuint(extras);
  for (const key in obj) {
    const v = obj[key];
    if (keys.has(key) || v === undefined || typeof v === 'function') continue;
    const index = KEY_INDEX.get(key);
    if (index !== undefined) w.u8(index);
    else {
      w.u8(0xff);
      w.key(key);
    }
    writeValue(w, v, depth + 1);
  }
}

/** Starts decoding a shaped object: its field count, checked against the shape and the depth limit. */
export function readShapedCount(r: Reader, fieldCount: number, depth: number): number {
  const n = r.u8();
  if (n > fieldCount) throw new DecodeError('shaped object has more fields than its shape');
  // The encoder writes no present field deeper than MAX_DEPTH, and n > 0 means one is present.
  if (n > 0 && depth >= MAX_DEPTH) throw new DecodeError('value nested too deeply');
  return n;
}

/** Starts reading an array for a generated list decoder: its count, checked as readTagged's array case checks it. */
export function readListCount(r: Reader, depth: number): number {
  const count = r.varuint();
  if (count > MAX_COLLECTION || count > r.end - r.pos) throw new DecodeError('array length exceeds frame');
  // readValue's check for each element, made once.
  if (count > 0 && depth + 1 > MAX_DEPTH) throw new DecodeError('value nested too deeply');
  return count;
}

/** Reads the keys outside the shape that follow a 0x0B object's fields. */
export function readExtras(r: Reader, out: Record<string, unknown>, depth: number): void {
  readKeyedFields(r, out, depth);
}

/** Reads a count, then that many (dictionary index or literal key, value) pairs into `out`: a 0x08 object, or a 0x0B object's extras. */
function readKeyedFields(r: Reader, out: Record<string, unknown>, depth: number): void {
  const count = r.varuint();
  if (count > MAX_COLLECTION || count * 2 > r.end - r.pos) throw new DecodeError('object size exceeds frame');
  for (let i = 0; i < count; i++) {
    const k = r.u8();
    let key: string;
    if (k === 0xff) key = r.utf8(r.varuint());
    else {
      const known = KEY_DICTIONARY[k];
      if (known === undefined) throw new DecodeError(`unknown key index ${k}`);
      key = known;
    }
    if (key === '__proto__') throw new DecodeError('forbidden key');
    out[key] = readValue(r, depth + 1, null);
  }
}
