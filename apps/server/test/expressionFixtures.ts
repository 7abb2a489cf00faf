// Image and sticker files for the emoji/sticker tests, built byte for byte to their specifications:
// PNG and APNG (zlib-compressed scanlines, real CRCs), GIF (one or more LZW-coded 1x1 frames),
// WebP (the lossy, lossless and animated 1x1 files browsers are feature-tested with) and a Lottie
// document. Each decodes in a browser; the tests check the server reads what they really are.
import zlib from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA PNG of `width` x `height` filled with one colour; `frames` > 1 makes it an APNG. `padBytes` adds an ancillary chunk to reach a size. */
export function png(width = 16, height = 16, options: { frames?: number; padBytes?: number; rgba?: [number, number, number, number] } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const [r, g, b, a] = options.rgba ?? [255, 200, 0, 255];
  const row = Buffer.alloc(1 + width * 4);
  for (let x = 0; x < width; x++) row.set([r, g, b, a], 1 + x * 4);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  const frames = options.frames ?? 1;
  if (frames > 1) {
    const actl = Buffer.alloc(8);
    actl.writeUInt32BE(frames, 0);
    parts.push(chunk('acTL', actl));
  }
  if (options.padBytes) parts.push(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(options.padBytes, 0x61)])));
  parts.push(chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A 1x1 GIF89a with `frames` image blocks (more than one: an animation, with the NETSCAPE loop extension). */
export function gif(frames = 1): Buffer {
  const header = Buffer.from('GIF89a', 'latin1');
  const screen = Buffer.from([1, 0, 1, 0, 0x80, 0, 0]); // 1x1, global colour table of 2 entries
  const palette = Buffer.from([0xff, 0xff, 0xff, 0, 0, 0]);
  const loop = Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0]);
  const frame = Buffer.from([
    0x21, 0xf9, 4, 0, 10, 0, 0, 0, // graphic control: 100 ms
    0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, // image descriptor 1x1
    2, 2, 0x44, 1, 0, // LZW code size 2, one sub-block, terminator
  ]);
  return Buffer.concat([header, screen, palette, ...(frames > 1 ? [loop] : []), ...Array.from({ length: frames }, () => frame), Buffer.from([0x3b])]);
}

export const WEBP_LOSSY = Buffer.from('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA', 'base64');
export const WEBP_LOSSLESS = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
export const WEBP_ANIMATED = Buffer.from('UklGRlIAAABXRUJQVlA4WAoAAAASAAAAAAAAAAAAQU5JTQYAAAD/////AABBTk1GJgAAAAAAAAAAAAAAAAAAAGQAAABWUDhMDQAAAC8AAAAQBxAREYiI/gcA', 'base64');

/** A minimal Lottie (Bodymovin) animation: one second at 30 fps, no layers. */
export const LOTTIE = Buffer.from(JSON.stringify({ v: '5.7.4', fr: 30, ip: 0, op: 30, w: 320, h: 320, nm: 'wave', ddd: 0, assets: [], layers: [] }));

/** A data URI as discord.js sends a Buffer: always labelled image/jpg, whatever the bytes are. */
export function dataUri(bytes: Buffer, type = 'image/jpg'): string {
  return `data:${type};base64,${bytes.toString('base64')}`;
}
