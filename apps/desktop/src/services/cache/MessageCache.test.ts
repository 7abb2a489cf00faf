import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CACHE_MAX_BYTES, MessageCache, type CacheableMessage } from './MessageCache.ts';
import { CacheSchemaTooNewError, MESSAGE_CACHE_SCHEMA_VERSION, ROW_OVERHEAD_BYTES } from './messageCacheMigrations.ts';
import { openMessageCacheOrReset } from './openMessageCache.ts';
import { V1_FIXTURE_CHANNEL_A, V1_FIXTURE_CHANNEL_B, V1_FIXTURE_MESSAGES } from './fixtures/v1FixtureMessages.ts';

const V1_FIXTURE = fileURLToPath(new URL('./fixtures/message-cache-v1.sqlite', import.meta.url));
const CHANNEL_A = '1200000000000000001';
const CHANNEL_B = '1200000000000000002';
const CHANNEL_C = '1200000000000000003';

let dir: string;
let filePath: string;
const opened: MessageCache[] = [];

function openCache(maxBytes?: number): MessageCache {
  const cache = new MessageCache(maxBytes === undefined ? { filePath } : { filePath, maxBytes });
  opened.push(cache);
  return cache;
}

function message(id: string | bigint, channelId: string, content = `message ${id}`): CacheableMessage & { content: string } {
  return {
    id: String(id),
    channel_id: channelId,
    content,
    type: 0,
    author: { id: '1000000000000000001', username: 'ada' },
    timestamp: '2024-05-01T12:00:00.000Z',
  } as CacheableMessage & { content: string };
}

/** `count` consecutive snowflakes starting at `first`. */
function messages(first: bigint, count: number, channelId: string, content?: string) {
  return Array.from({ length: count }, (_, i) => message(first + BigInt(i), channelId, content));
}

function rowSize(m: CacheableMessage): number {
  return Buffer.byteLength(JSON.stringify(m), 'utf8') + ROW_OVERHEAD_BYTES;
}

/** Sums the size column directly, to check the trigger-maintained total against. */
function sumOfRows(path: string): { sizeBytes: number; messageCount: number } {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare('SELECT COALESCE(SUM(size_bytes), 0) AS s, COUNT(*) AS c FROM messages').get() as { s: number; c: number };
    return { sizeBytes: row.s, messageCount: row.c };
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-cache-'));
  filePath = join(dir, 'nested', 'messages.sqlite');
});

afterEach(() => {
  for (const cache of opened.splice(0)) cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MessageCache', () => {
  it('creates the file in WAL mode at the newest schema with the 500 MB default bound', () => {
    const cache = openCache();
    expect(existsSync(filePath)).toBe(true);
    expect(cache.schemaVersion).toBe(MESSAGE_CACHE_SCHEMA_VERSION);
    expect(cache.stats()).toEqual({ sizeBytes: 0, maxBytes: DEFAULT_CACHE_MAX_BYTES, messageCount: 0, channelCount: 0 });
    expect(DEFAULT_CACHE_MAX_BYTES).toBe(500 * 1024 * 1024);
    const db = new Database(filePath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('returns the newest N messages of a channel oldest first, ordered numerically not as text', () => {
    const cache = openCache();
    // 17, 18 and 19 digit ids: as text "99999999999999999" > "1000000000000000000".
    const ids = ['99999999999999999', '1000000000000000000', '100000000000000000', '999999999999999999', '1000000000000000001'];
    cache.putMessages(CHANNEL_A, ids.map((id) => message(id, CHANNEL_A)));
    cache.putMessages(CHANNEL_B, [message('1000000000000000002', CHANNEL_B)]);

    expect(cache.getMessages(CHANNEL_A, 10).map((m) => m.id)).toEqual([
      '99999999999999999',
      '100000000000000000',
      '999999999999999999',
      '1000000000000000000',
      '1000000000000000001',
    ]);
    expect(cache.getMessages(CHANNEL_A, 2).map((m) => m.id)).toEqual(['1000000000000000000', '1000000000000000001']);
    expect(cache.getMessages(CHANNEL_C, 50)).toEqual([]);
  });

  it('pages back through cached history with `before`', () => {
    const cache = openCache();
    cache.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n, 10, CHANNEL_A));
    const page = cache.getMessages(CHANNEL_A, 3, { before: '1000000000000000005' });
    expect(page.map((m) => m.id)).toEqual(['1000000000000000002', '1000000000000000003', '1000000000000000004']);
  });

  it('round-trips snowflakes above 2^53 exactly and keeps the message JSON intact', () => {
    const cache = openCache();
    const stored = { ...message('9223372036854775807', CHANNEL_A, 'max int64 — ✓ emoji 🎮'), embeds: [{ title: 'x', fields: [{ name: 'a', value: 'b' }] }] };
    cache.putMessages(CHANNEL_A, [stored]);
    expect(cache.getMessages(CHANNEL_A, 1)).toEqual([stored]);
  });

  it('upserts: putting a message id again replaces it and keeps the size total exact', () => {
    const cache = openCache();
    cache.putMessages(CHANNEL_A, [message('1000000000000000001', CHANNEL_A, 'short'), message('1000000000000000002', CHANNEL_A, 'two')]);
    const edited = message('1000000000000000001', CHANNEL_A, 'edited and much, much longer than before');
    cache.putMessages(CHANNEL_A, [edited]);

    expect(cache.getMessages(CHANNEL_A, 10).map((m) => m.content)).toEqual([edited.content, 'two']);
    const stats = cache.stats();
    expect(stats.messageCount).toBe(2);
    expect(stats.sizeBytes).toBe(rowSize(edited) + rowSize(message('1000000000000000002', CHANNEL_A, 'two')));
    expect(sumOfRows(filePath)).toEqual({ sizeBytes: stats.sizeBytes, messageCount: 2 });
  });

  it('deletes messages and forgets a channel once its last message is gone', () => {
    const cache = openCache();
    cache.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n, 3, CHANNEL_A));
    cache.putMessages(CHANNEL_B, messages(2_000_000_000_000_000_000n, 1, CHANNEL_B));
    cache.deleteMessages(CHANNEL_A, ['1000000000000000001']);
    expect(cache.getMessages(CHANNEL_A, 10).map((m) => m.id)).toEqual(['1000000000000000000', '1000000000000000002']);
    // A delete naming the wrong channel does nothing: ids are only deleted where they belong.
    cache.deleteMessages(CHANNEL_B, ['1000000000000000000']);
    expect(cache.stats().messageCount).toBe(3);
    cache.deleteMessages(CHANNEL_B, ['2000000000000000000']);
    expect(cache.stats()).toMatchObject({ messageCount: 2, channelCount: 1 });
    expect(sumOfRows(filePath).sizeBytes).toBe(cache.stats().sizeBytes);
  });

  it('rejects non-snowflake ids, ids beyond int64 and foreign channel ids without writing anything', () => {
    const cache = openCache();
    expect(() => cache.putMessages(CHANNEL_A, [message('1000000000000000001', CHANNEL_A), message('12abc', CHANNEL_A)])).toThrow(RangeError);
    expect(() => cache.putMessages(CHANNEL_A, [message('9223372036854775808', CHANNEL_A)])).toThrow(/64-bit/);
    expect(() => cache.putMessages(CHANNEL_A, [message('0042', CHANNEL_A)])).toThrow(/not a snowflake/);
    expect(() => cache.putMessages(CHANNEL_A, [message('1000000000000000001', CHANNEL_A), message('1000000000000000002', CHANNEL_B)])).toThrow(
      /belongs to channel/,
    );
    expect(() => cache.getMessages('not-a-channel', 10)).toThrow(RangeError);
    expect(cache.stats().messageCount).toBe(0);
  });

  it('keeps what it stored across close and reopen', () => {
    const first = openCache();
    first.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n, 5, CHANNEL_A));
    first.close();
    const second = openCache();
    expect(second.getMessages(CHANNEL_A, 50)).toHaveLength(5);
    expect(second.stats().messageCount).toBe(5);
  });

  describe('size bound', () => {
    it('evicts the least recently used channel first, its oldest messages first, and stays under the bound', () => {
      const perChannel = 40;
      const sample = message(1_000_000_000_000_000_000n, CHANNEL_A, 'x'.repeat(200));
      const bound = rowSize(sample) * (perChannel * 2 + 10); // room for two channels and a bit
      const cache = openCache(bound);
      cache.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n, perChannel, CHANNEL_A, 'x'.repeat(200)));
      cache.putMessages(CHANNEL_B, messages(2_000_000_000_000_000_000n, perChannel, CHANNEL_B, 'x'.repeat(200)));
      // Opening A makes B the least recently used channel, although B's messages are newer.
      expect(cache.getMessages(CHANNEL_A, 1)).toHaveLength(1);
      cache.putMessages(CHANNEL_C, messages(3_000_000_000_000_000_000n, perChannel, CHANNEL_C, 'x'.repeat(200)));

      const stats = cache.stats();
      expect(stats.sizeBytes).toBeLessThanOrEqual(bound);
      expect(cache.getMessages(CHANNEL_A, 100)).toHaveLength(perChannel);
      expect(cache.getMessages(CHANNEL_C, 100)).toHaveLength(perChannel);
      const survivorsOfB = cache.getMessages(CHANNEL_B, 100);
      expect(survivorsOfB.length).toBeLessThan(perChannel);
      // What B kept is its newest messages: eviction took from the old end.
      expect(survivorsOfB.at(-1)?.id).toBe(String(2_000_000_000_000_000_000n + BigInt(perChannel - 1)));
      expect(survivorsOfB[0]?.id).toBe(String(2_000_000_000_000_000_000n + BigInt(perChannel - survivorsOfB.length)));
      expect(sumOfRows(filePath)).toEqual({ sizeBytes: stats.sizeBytes, messageCount: stats.messageCount });
    });

    it('drops an evicted channel entirely before touching the next one', () => {
      const sample = rowSize(message(1_000_000_000_000_000_000n, CHANNEL_A, 'y'.repeat(100)));
      const cache = openCache(sample * 25);
      cache.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n, 10, CHANNEL_A, 'y'.repeat(100)));
      cache.putMessages(CHANNEL_B, messages(2_000_000_000_000_000_000n, 10, CHANNEL_B, 'y'.repeat(100)));
      cache.putMessages(CHANNEL_C, messages(3_000_000_000_000_000_000n, 15, CHANNEL_C, 'y'.repeat(100)));
      expect(cache.getMessages(CHANNEL_A, 100)).toEqual([]);
      expect(cache.getMessages(CHANNEL_B, 100)).toHaveLength(10);
      expect(cache.stats()).toMatchObject({ channelCount: 2, messageCount: 25 });
    });

    it('keeps the newest messages of a single channel that alone outgrows the bound', () => {
      const sample = rowSize(message(1_000_000_000_000_000_000n, CHANNEL_A, 'z'.repeat(500)));
      const cache = openCache(sample * 100);
      for (let page = 0; page < 10; page++) {
        cache.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n + BigInt(page * 50), 50, CHANNEL_A, 'z'.repeat(500)));
      }
      const kept = cache.getMessages(CHANNEL_A, 1000);
      expect(kept).toHaveLength(100);
      expect(kept[0]?.id).toBe(String(1_000_000_000_000_000_000n + 400n));
      expect(kept.at(-1)?.id).toBe(String(1_000_000_000_000_000_000n + 499n));
      expect(cache.stats().sizeBytes).toBeLessThanOrEqual(sample * 100);
    });

    it('evicts at once when the bound is lowered and gives the space back to the disk', () => {
      const cache = openCache();
      const body = 'w'.repeat(2_000);
      for (let page = 0; page < 20; page++) {
        cache.putMessages(CHANNEL_A, messages(1_000_000_000_000_000_000n + BigInt(page * 100), 100, CHANNEL_A, body));
      }
      const before = cache.stats();
      expect(before.sizeBytes).toBeGreaterThan(4_000_000);
      const db = new Database(filePath);
      db.pragma('wal_checkpoint(TRUNCATE)');
      const fileBytesBefore = statSync(filePath).size;

      const bound = 1_000_000;
      const after = cache.setMaxBytes(bound);
      expect(after.maxBytes).toBe(bound);
      expect(after.sizeBytes).toBeLessThanOrEqual(bound);
      expect(after.sizeBytes).toBeGreaterThan(bound - rowSize(message(1n, CHANNEL_A, body)));
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      expect(statSync(filePath).size).toBeLessThan(fileBytesBefore / 2);
    });
  });

  describe('migrations', () => {
    it('migrates a v1 file (real bytes from the v1 schema) to the newest schema, keeping its messages', () => {
      copyFileSync(V1_FIXTURE, filePath.replace('nested/', ''));
      filePath = filePath.replace('nested/', '');
      const raw = new Database(filePath, { readonly: true });
      expect(raw.pragma('user_version', { simple: true })).toBe(1);
      raw.close();

      const cache = openCache();
      expect(cache.schemaVersion).toBe(MESSAGE_CACHE_SCHEMA_VERSION);
      expect(cache.getMessages(V1_FIXTURE_CHANNEL_A, 10).map((m) => m.content)).toEqual([
        'oldest (17 digits)',
        'middle (18 digits)',
        'newest (19 digits) — ünïcödé counts in bytes',
      ]);
      // v2 back-filled sizes in bytes (not characters) and seeded the running total from them.
      const expectedBytes = V1_FIXTURE_MESSAGES.reduce((sum, m) => sum + rowSize(m), 0);
      expect(cache.stats()).toEqual({ sizeBytes: expectedBytes, maxBytes: DEFAULT_CACHE_MAX_BYTES, messageCount: 4, channelCount: 2 });
      expect(sumOfRows(filePath).sizeBytes).toBe(expectedBytes);

      // The migrated file behaves like a new one: writes keep the total, eviction works.
      cache.putMessages(V1_FIXTURE_CHANNEL_B, [message('300000000000000000', V1_FIXTURE_CHANNEL_B, 'after migration')]);
      expect(cache.getMessages(V1_FIXTURE_CHANNEL_B, 10).map((m) => m.id)).toEqual(['200000000000000000', '300000000000000000']);
      cache.setMaxBytes(rowSize(message('300000000000000000', V1_FIXTURE_CHANNEL_B, 'after migration')) + 400);
      // A was never opened since the migration: it goes first.
      expect(cache.getMessages(V1_FIXTURE_CHANNEL_A, 10)).toEqual([]);
      expect(sumOfRows(filePath)).toEqual({ sizeBytes: cache.stats().sizeBytes, messageCount: cache.stats().messageCount });
    });

    it('refuses a file from a newer schema with a message that says what to do', () => {
      const db = new Database(filePath.replace('nested/', ''));
      db.pragma(`user_version = ${MESSAGE_CACHE_SCHEMA_VERSION + 1}`);
      db.close();
      filePath = filePath.replace('nested/', '');
      expect(() => openCache()).toThrow(CacheSchemaTooNewError);
      expect(() => openCache()).toThrow(/newer Concord/);
    });

    it('replaces an unusable file (newer schema, or not a database) with an empty cache when opened for the app', () => {
      filePath = join(dir, 'garbage.sqlite');
      writeFileSync(filePath, Buffer.alloc(8192, 0x41));
      const warn = vi.fn();
      const cache = openMessageCacheOrReset({ filePath }, warn);
      opened.push(cache);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/unusable/));
      expect(cache.stats().messageCount).toBe(0);
      cache.putMessages(CHANNEL_A, [message('1000000000000000001', CHANNEL_A)]);
      expect(cache.getMessages(CHANNEL_A, 1)).toHaveLength(1);
    });
  });

  it('clear() wipes every message from the file and its WAL, and the cache keeps working', () => {
    const cache = openCache();
    const secret = 'the-secret-plan-7f3a9c';
    cache.putMessages(CHANNEL_A, [message('1000000000000000001', CHANNEL_A, secret), ...messages(1_000_000_000_000_000_010n, 50, CHANNEL_A)]);
    const onDisk = () =>
      ['', '-wal'].map((s) => (existsSync(filePath + s) ? readFileSync(filePath + s).toString('latin1') : '')).join('');
    expect(onDisk()).toContain(secret);

    cache.clear();
    expect(cache.stats()).toEqual({ sizeBytes: 0, maxBytes: DEFAULT_CACHE_MAX_BYTES, messageCount: 0, channelCount: 0 });
    expect(cache.getMessages(CHANNEL_A, 50)).toEqual([]);
    expect(onDisk()).not.toContain(secret);

    cache.putMessages(CHANNEL_B, [message('2000000000000000001', CHANNEL_B)]);
    expect(cache.getMessages(CHANNEL_B, 5)).toHaveLength(1);
  });

  it('inserts 10,000 messages in one call and reads the newest page back in order', () => {
    const cache = openCache();
    const batch = messages(1_100_000_000_000_000_000n, 10_000, CHANNEL_A, 'a typical chat line of forty-some characters');
    cache.putMessages(CHANNEL_A, batch);
    const stats = cache.stats();
    expect(stats.messageCount).toBe(10_000);
    expect(stats.sizeBytes).toBe(batch.reduce((sum, m) => sum + rowSize(m), 0));
    const page = cache.getMessages(CHANNEL_A, 50);
    expect(page).toHaveLength(50);
    expect(page[0]?.id).toBe(String(1_100_000_000_000_000_000n + 9_950n));
    expect(page.at(-1)?.id).toBe(String(1_100_000_000_000_000_000n + 9_999n));
  });
});
