// Uploaded files, content-addressed under DATA_DIR/attachments/<sha256[0..2]>/<sha256>: the same
// bytes are stored once however often they are sent. Written (and fsynced) after the message's
// checks and before the message that refers to them; removed again if that message is not stored.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/plain; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

/** Types shown inline by browsers; everything else is served as a download. SVG is not inline (scripts). */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/ogg', 'audio/wav', 'text/plain; charset=utf-8']);

export function contentTypeFor(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

export function isInline(contentType: string): boolean {
  return INLINE_TYPES.has(contentType);
}

/** Width and height of PNG, GIF and JPEG images, read from their headers. */
export function imageSize(data: Uint8Array): { width: number; height: number } | null {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length >= 10 && b.toString('ascii', 0, 3) === 'GIF') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1]!;
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
      i += 2 + len;
    }
  }
  return null;
}

export class AttachmentStore {
  private readonly root: string;
  /** Files being written for messages not yet stored, by hash: how many uploads hold each. */
  private readonly held = new Map<string, { holders: number; shared: boolean }>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'attachments');
    fs.mkdirSync(this.root, { recursive: true });
  }

  private pathFor(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** SHA-256 of the bytes, the file's name in the store. */
  static hash(data: Uint8Array): string {
    return crypto.createHash('sha256').update(data).digest('hex');
  }

  /**
   * Writes the bytes (once: the same content is stored once) and holds the file until `release`.
   * Returns whether this call created the file. Call only after every check of the message passed.
   */
  async hold(sha256: string, data: Uint8Array): Promise<boolean> {
    const held = this.held.get(sha256);
    if (held) {
      held.holders++;
      held.shared = true;
    } else this.held.set(sha256, { holders: 1, shared: false });
    try {
      return await this.writeOnce(sha256, data);
    } catch (e) {
      await this.release(sha256, false, true);
      throw e;
    }
  }

  private async writeOnce(sha256: string, data: Uint8Array): Promise<boolean> {
    const file = this.pathFor(sha256);
    if (fs.existsSync(file)) return false;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
    return true;
  }

  /**
   * Ends a hold. When the message was not stored (`keep` false), a file this hold created is
   * removed, unless another upload of the same bytes overlapped it (that one may have been stored).
   */
  async release(sha256: string, created: boolean, keep: boolean): Promise<void> {
    const held = this.held.get(sha256);
    const shared = held?.shared ?? false;
    if (held && --held.holders === 0) this.held.delete(sha256);
    if (!keep && created && !shared) await fs.promises.rm(this.pathFor(sha256), { force: true });
  }

  /** The file's path if it exists; the hash is validated so no path can escape the store. */
  locate(sha256: string): string | null {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const file = this.pathFor(sha256);
    return fs.existsSync(file) ? file : null;
  }
}
