// The content-addressed file store for uploads (a concrete class, not a port: every node writes
// to its own DATA_DIR or a shared mount). Through its public API on a temp directory: one file per
// content, holds that decide whether a failed message's file goes, and lookups that cannot escape.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentStore, contentTypeFor, imageSize, isInline } from './AttachmentStore.ts';

let dataDir = '';
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-attachments-'));
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

describe('AttachmentStore files', () => {
  it('names a file by the SHA-256 of its bytes, in hex', () => {
    expect(AttachmentStore.hash(bytes('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('stores the bytes once and finds them by hash', async () => {
    const store = new AttachmentStore(dataDir);
    const data = bytes('hello attachment');
    const hash = AttachmentStore.hash(data);
    expect(store.locate(hash)).toBeNull();
    expect(await store.hold(hash, data)).toBe(true);
    await store.release(hash, true, true);
    const file = store.locate(hash);
    expect(file).not.toBeNull();
    expect(fs.readFileSync(file ?? '')).toEqual(Buffer.from(data));
  });

  it('does not write the same content twice', async () => {
    const store = new AttachmentStore(dataDir);
    const data = bytes('same bytes');
    const hash = AttachmentStore.hash(data);
    expect(await store.hold(hash, data)).toBe(true);
    await store.release(hash, true, true);
    expect(await store.hold(hash, data)).toBe(false);
    await store.release(hash, false, true);
    expect(store.locate(hash)).not.toBeNull();
  });

  it('removes a file it created when the message was not stored', async () => {
    const store = new AttachmentStore(dataDir);
    const data = bytes('refused message');
    const hash = AttachmentStore.hash(data);
    const created = await store.hold(hash, data);
    await store.release(hash, created, false);
    expect(store.locate(hash)).toBeNull();
  });

  it('never removes a file that was already there before the failed message', async () => {
    const store = new AttachmentStore(dataDir);
    const data = bytes('sent before');
    const hash = AttachmentStore.hash(data);
    await store.release(hash, await store.hold(hash, data), true);
    const created = await store.hold(hash, data);
    expect(created).toBe(false);
    await store.release(hash, created, false);
    expect(store.locate(hash)).not.toBeNull();
  });

  it('keeps a file when an overlapping upload of the same bytes held it, even if the creator fails', async () => {
    const store = new AttachmentStore(dataDir);
    const data = bytes('two uploads at once');
    const hash = AttachmentStore.hash(data);
    const first = await store.hold(hash, data);
    const second = await store.hold(hash, data);
    expect([first, second]).toEqual([true, false]);
    await store.release(hash, first, false);
    await store.release(hash, second, true);
    expect(store.locate(hash)).not.toBeNull();
  });

  it('forgets an overlap once its holds are released: the next failed upload that creates the file removes it', async () => {
    const store = new AttachmentStore(dataDir);
    const data = bytes('later');
    const hash = AttachmentStore.hash(data);
    const a = await store.hold(hash, data);
    const b = await store.hold(hash, data);
    await store.release(hash, a, true);
    await store.release(hash, b, true);
    // Take the file away by hand so that the next hold creates it again.
    fs.rmSync(store.locate(hash) ?? '', { force: true });
    const c = await store.hold(hash, data);
    expect(c).toBe(true);
    await store.release(hash, c, false);
    expect(store.locate(hash)).toBeNull();
  });

  it('finds files written by an earlier store on the same data directory', async () => {
    const data = bytes('survives a restart');
    const hash = AttachmentStore.hash(data);
    const before = new AttachmentStore(dataDir);
    await before.release(hash, await before.hold(hash, data), true);
    expect(new AttachmentStore(dataDir).locate(hash)).not.toBeNull();
  });

  it.each([
    ['a path that climbs out', '../../../../etc/passwd'],
    ['a hash with a slash', `ab/${'0'.repeat(61)}`],
    ['upper-case hex', 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'],
    ['63 hex digits', 'a'.repeat(63)],
    ['65 hex digits', 'a'.repeat(65)],
    ['the empty string', ''],
  ])('finds nothing for %s', (_label, hash) => {
    expect(new AttachmentStore(dataDir).locate(hash)).toBeNull();
  });
});

describe('content types', () => {
  it.each([
    ['cat.png', 'image/png'],
    ['CAT.PNG', 'image/png'],
    ['photo.jpeg', 'image/jpeg'],
    ['clip.webm', 'video/webm'],
    ['notes.txt', 'text/plain; charset=utf-8'],
    ['archive.tar.zip', 'application/zip'],
    ['drawing.svg', 'image/svg+xml'],
    ['program.exe', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
    ['page.html', 'application/octet-stream'],
  ])('%s is served as %s', (filename, type) => {
    expect(contentTypeFor(filename)).toBe(type);
  });

  it('shows images, video, audio and plain text inline, and never SVG or HTML', () => {
    expect(['image/png', 'image/gif', 'video/mp4', 'audio/ogg', 'text/plain; charset=utf-8'].every(isInline)).toBe(true);
    expect(['image/svg+xml', 'text/html', 'application/octet-stream', 'application/pdf'].some(isInline)).toBe(false);
  });
});

describe('imageSize', () => {
  it('reads a real PNG (the app icon, 512x512)', () => {
    const icon = fs.readFileSync(new URL('../../../../build/resources/icon.png', import.meta.url));
    expect(imageSize(icon)).toEqual({ width: 512, height: 512 });
  });

  it('reads the logical screen size of a GIF', () => {
    const gif = Uint8Array.from([...bytes('GIF89a'), 0x40, 0x01, 0xf0, 0x00, 0, 0, 0]);
    expect(imageSize(gif)).toEqual({ width: 320, height: 240 });
  });

  it('reads a JPEG frame header after the segments before it, baseline or progressive', () => {
    const app0 = [0xff, 0xe0, 0x00, 0x10, ...bytes('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    const sof = (marker: number) => [0xff, marker, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    expect(imageSize(Uint8Array.from([0xff, 0xd8, ...app0, ...sof(0xc0)]))).toEqual({ width: 640, height: 480 });
    expect(imageSize(Uint8Array.from([0xff, 0xd8, ...app0, ...sof(0xc2)]))).toEqual({ width: 640, height: 480 });
  });

  it('skips a JPEG Huffman table (0xC4), which is not a frame header', () => {
    const dht = [0xff, 0xc4, 0x00, 0x08, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05];
    const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    expect(imageSize(Uint8Array.from([0xff, 0xd8, ...dht, ...sof0]))).toEqual({ width: 32, height: 16 });
  });

  it('reads a view into a larger buffer from the view\'s own offset', () => {
    const icon = fs.readFileSync(new URL('../../../../build/resources/icon.png', import.meta.url));
    const padded = new Uint8Array(icon.length + 7);
    padded.set(icon, 7);
    expect(imageSize(padded.subarray(7))).toEqual({ width: 512, height: 512 });
  });

  it.each<[string, Uint8Array]>([
    ['an empty file', new Uint8Array(0)],
    ['text', bytes('just some text, not an image at all')],
    ['a PNG signature cut short', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['a JPEG without a frame header', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xd9, 0, 0])],
    ['a JPEG whose segments lose sync', Uint8Array.from([0xff, 0xd8, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22])],
  ])('answers null for %s', (_label, data) => {
    expect(imageSize(data)).toBeNull();
  });
});
