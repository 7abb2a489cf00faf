// Reads what an uploaded emoji image or sticker file really is, from its bytes (never from the name
// or the data URI's declared type: discord.js labels every Buffer "image/jpg"). Format, dimensions
// and whether it is animated are parsed here, with every offset bounds-checked: the bytes are
// hostile input, and a truncated or lying file is refused, never read past its end.
import { StickerFormatType, z, type StickerFormatTypeValue } from '@concord/protocol';

export type ImageFormat = 'png' | 'apng' | 'gif' | 'webp';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
  animated: boolean;
}

const CONTENT_TYPE: Record<ImageFormat, string> = { png: 'image/png', apng: 'image/png', gif: 'image/gif', webp: 'image/webp' };

export function contentTypeOf(format: ImageFormat): string {
  return CONTENT_TYPE[format];
}

/** The largest side accepted; Discord resizes emoji to 128 px and stickers to 320 px, we store as sent. */
const MAX_SIDE = 4096;

/** A `data:image/...;base64,...` URI's bytes, or null when it is not one (50035 BINARY_TYPE_INVALID_DATA_URI). */
export function decodeImageDataUri(uri: string): Buffer | null {
  const m = /^data:image\/[a-z0-9.+-]{1,32};base64,/i.exec(uri);
  if (!m) return null;
  const payload = uri.slice(m[0].length);
  if (payload.length === 0 || payload.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return null;
  return Buffer.from(payload, 'base64');
}

/** PNG (APNG when it has an acTL chunk before its image data), GIF, or WebP; null for anything else. */
export function readImage(b: Uint8Array): ImageInfo | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const info = readPng(buf) ?? readGif(buf) ?? readWebp(buf);
  if (!info || info.width < 1 || info.height < 1 || info.width > MAX_SIDE || info.height > MAX_SIDE) return null;
  return info;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function readPng(b: Buffer): ImageInfo | null {
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  let animated = false;
  let sawData = false;
  // Walk the chunks: length, type, data, CRC. An animation control chunk (acTL) must come before IDAT.
  for (let at = 8; at + 12 <= b.length; ) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > b.length) return null;
    if (type === 'acTL' && !sawData && length >= 8 && b.readUInt32BE(at + 8) > 1) animated = true;
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? { format: animated ? 'apng' : 'png', width, height, animated } : null;
    at += 12 + length;
  }
  return null;
}

function readGif(b: Buffer): ImageInfo | null {
  if (b.length < 13) return null;
  const magic = b.toString('latin1', 0, 6);
  if (magic !== 'GIF87a' && magic !== 'GIF89a') return null;
  const width = b.readUInt16LE(6);
  const height = b.readUInt16LE(8);
  const flags = b[10]!;
  let at = 13 + (flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0);
  let frames = 0;
  /** Skips a run of data sub-blocks (size byte, bytes) ending with a zero size; -1 past the end. */
  const skipSubBlocks = (from: number): number => {
    let i = from;
    while (i < b.length) {
      const size = b[i]!;
      i += 1 + size;
      if (size === 0) return i;
    }
    return -1;
  };
  while (at < b.length) {
    const block = b[at]!;
    if (block === 0x3b) return frames > 0 ? { format: 'gif', width, height, animated: frames > 1 } : null;
    if (block === 0x21) {
      if (at + 2 > b.length) return null;
      at = skipSubBlocks(at + 2);
    } else if (block === 0x2c) {
      if (at + 11 > b.length) return null;
      const local = b[at + 9]!;
      at += 10 + (local & 0x80 ? 3 * (1 << ((local & 7) + 1)) : 0);
      frames++;
      at = at + 1 > b.length ? -1 : skipSubBlocks(at + 1); // LZW minimum code size, then the image data
    } else return null;
    if (at < 0) return null;
  }
  // No trailer: a truncated upload (browsers would show part of it; it is refused instead).
  return null;
}

function readWebp(b: Buffer): ImageInfo | null {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return null;
  const chunk = b.toString('latin1', 12, 16);
  const data = 20;
  if (chunk === 'VP8X') {
    const animated = (b[data]! & 0x02) !== 0;
    return { format: 'webp', width: b.readUIntLE(data + 4, 3) + 1, height: b.readUIntLE(data + 7, 3) + 1, animated };
  }
  if (chunk === 'VP8 ') {
    // Key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
    if (b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a) return null;
    return { format: 'webp', width: b.readUInt16LE(data + 6) & 0x3fff, height: b.readUInt16LE(data + 8) & 0x3fff, animated: false };
  }
  if (chunk === 'VP8L') {
    if (b[data] !== 0x2f) return null;
    const bits = b.readUInt32LE(data + 1);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, animated: false };
  }
  return null;
}

export interface StickerFileInfo {
  format_type: StickerFormatTypeValue;
  contentType: string;
}

/**
 * A sticker file: PNG, APNG, GIF, or a Lottie animation (JSON with the Bodymovin header fields).
 * WebP is not a sticker format on Discord, so it is refused here.
 */
export function readStickerFile(b: Uint8Array): StickerFileInfo | null {
  const image = readImage(b);
  if (image) {
    if (image.format === 'png') return { format_type: StickerFormatType.PNG, contentType: 'image/png' };
    if (image.format === 'apng') return { format_type: StickerFormatType.APNG, contentType: 'image/png' };
    if (image.format === 'gif') return { format_type: StickerFormatType.GIF, contentType: 'image/gif' };
    return null;
  }
  return isLottie(b) ? { format_type: StickerFormatType.LOTTIE, contentType: 'application/json' } : null;
}

/** The header fields every Lottie (Bodymovin) document has; the animation itself is the client's to play. */
const LottieHeader = z.object({ v: z.string(), fr: z.number(), ip: z.number(), op: z.number(), w: z.number(), h: z.number(), layers: z.array(z.unknown()) });

function isLottie(b: Uint8Array): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));
  } catch {
    return false;
  }
  return LottieHeader.safeParse(doc).success;
}
