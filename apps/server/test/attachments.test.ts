// File uploads: multipart message send (Discord's payload_json + files[n]), content-addressed
// storage under DATA_DIR, served back with the right content type, and the size limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

let t: TestServer;
let u: TestUser;
let channel: string;
// A 2x3 PNG: header, IHDR with width 2 and height 3, and a minimal body.
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0]),
  Buffer.alloc(64, 7),
]);

beforeAll(async () => {
  t = await startTestServer({ MAX_UPLOAD_BYTES: String(64 * 1024) });
  u = await registerUser(t);
  channel = (await u.api.createGuild({ name: 'Files' })).system_channel_id!;
});
afterAll(async () => {
  await t.close();
});

function form(files: { name: string; data: Buffer; type: string }[], payload: object) {
  const f = new FormData();
  f.append('payload_json', JSON.stringify(payload));
  files.forEach((file, i) => f.append(`files[${i}]`, new Blob([file.data], { type: file.type }), file.name));
  return f;
}

describe('attachments', () => {
  it('stores uploaded files by content and serves them with their content type', async () => {
    const msg = await u.api.sendMessageWithFiles(
      channel,
      form(
        [
          { name: 'screenshot.png', data: png, type: 'image/png' },
          { name: 'notes.zip', data: Buffer.from('PK not really a zip'), type: 'application/zip' },
        ],
        { content: 'look at this', attachments: [{ id: 0, description: 'my base' }] },
      ),
    );
    expect(msg.content).toBe('look at this');
    expect(msg.attachments).toHaveLength(2);
    const [image, zip] = msg.attachments;
    expect(image).toMatchObject({ filename: 'screenshot.png', size: png.length, content_type: 'image/png', width: 2, height: 3, description: 'my base' });
    const got = await fetch(image!.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
    const download = await fetch(zip!.url);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    // Content-addressed: the same bytes sent again are stored once.
    await u.api.sendMessageWithFiles(channel, form([{ name: 'again.png', data: png, type: 'image/png' }], { content: '' }));
    const files = fs.readdirSync(path.join(t.dataDir, 'attachments'), { recursive: true }).filter((f) => String(f).length > 60);
    expect(files).toHaveLength(2);
    expect((await u.api.getMessages(channel))[1]!.attachments[0]!.url).toBe(image!.url);
  });

  it('rejects a file over the limit with 40005 and stores no message', async () => {
    const before = (await u.api.getMessages(channel)).length;
    const err = await u.api.sendMessageWithFiles(channel, form([{ name: 'big.bin', data: Buffer.alloc(70 * 1024), type: 'application/octet-stream' }], { content: 'too big' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 413, code: 40005 });
    expect((await u.api.getMessages(channel)).length).toBe(before);
  });

  it('refuses uploads from members without ATTACH_FILES and unknown attachment paths', async () => {
    const other = await registerUser(t);
    const invite = await u.api.createInvite(channel);
    await other.api.acceptInvite(invite.code);
    await u.api.putOverwrite(channel, other.id, { type: 1, deny: String(1n << 15n) });
    const err = await other.api.sendMessageWithFiles(channel, form([{ name: 'x.png', data: png, type: 'image/png' }], { content: 'x' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, code: 50013 });
    expect((await fetch(`${t.server.url}/attachments/${'0'.repeat(64)}/x.png`)).status).toBe(404);
    expect((await fetch(`${t.server.url}/attachments/..%2F..%2Fconcord.db/x`)).status).toBe(404);
  });
});
