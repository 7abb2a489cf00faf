// The desktop app's local message cache: the newest pages of each channel the user has seen, in one
// better-sqlite3 file (WAL), so opening a channel paints before any network and history still shows
// offline. Owned by the main process; the renderer reaches it only through the IPC handlers.
//
// Size bound and eviction: every row is charged its JSON bytes plus ROW_OVERHEAD_BYTES, a trigger
// keeps the running total, and when the total passes `maxBytes` the cache empties the least
// recently used channel first, oldest messages (lowest snowflake) first within it. We chose
// "least recently used channel" over "globally oldest snowflake" because a quiet channel the user
// opens every day has old messages only; global-oldest eviction would wipe it first while keeping
// last week's scroll-back of a busy channel nobody reopened. "Used" means opened (getMessages that
// found rows) or written (putMessages), tracked by a logical clock so ties cannot happen.
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { APIMessage } from '@concord/protocol';
import type { CacheStats } from '../../shared/bridge.ts';
import { ROW_OVERHEAD_BYTES, migrateMessageCache, readUserVersion } from './messageCacheMigrations.ts';

export const DEFAULT_CACHE_MAX_BYTES = 500 * 1024 * 1024;

/** The least a caller must give us: the cache keys rows by these two snowflakes. */
export interface CacheableMessage {
  readonly id: string;
  readonly channel_id: string;
}

export interface MessageCacheOptions {
  /** The SQLite file; its directory is created if missing. `:memory:` works for throwaway use. */
  filePath: string;
  maxBytes?: number;
}

export interface GetMessagesOptions {
  /** Only messages older than this snowflake (paging back through cached history). */
  before?: string;
}

const SNOWFLAKE_PATTERN = /^[1-9]\d{0,18}$/;
const INT64_MAX = (1n << 63n) - 1n;
/** Rows inspected per eviction step; bounds the work one step does inside the write transaction. */
const EVICTION_BATCH_ROWS = 512;

interface Statements {
  upsert: Statement<[bigint, bigint, string, number]>;
  touchChannel: Statement<[bigint]>;
  touchChannelIfCached: Statement<[bigint]>;
  newest: Statement<[bigint, number]>;
  newestBefore: Statement<[bigint, bigint, number]>;
  deleteOne: Statement<[bigint, bigint]>;
  dropChannelIfEmpty: Statement<[bigint, bigint]>;
  totals: Statement<[]>;
  channelCount: Statement<[]>;
  leastRecentlyUsedChannel: Statement<[]>;
  oldestOfChannel: Statement<[bigint, number]>;
  deleteChannelUpTo: Statement<[bigint, bigint]>;
}

export class MessageCache {
  private db!: SqliteDatabase;
  private statements!: Statements;
  private maxBytesValue: number;

  constructor(private readonly options: MessageCacheOptions) {
    this.maxBytesValue = checkMaxBytes(options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES);
    this.open();
  }

  get filePath(): string {
    return this.options.filePath;
  }

  get maxBytes(): number {
    return this.maxBytesValue;
  }

  /** The schema version of the open file (after migrations). */
  get schemaVersion(): number {
    return readUserVersion(this.db);
  }

  /**
   * The newest `limit` cached messages of a channel, oldest first (the order a chat list paints).
   * Counts as a use of the channel for eviction when it returns anything.
   */
  getMessages(channelId: string, limit: number, options: GetMessagesOptions = {}): APIMessage[] {
    const channel = toSqliteId(channelId, 'channelId');
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const rows =
      options.before === undefined
        ? this.statements.newest.all(channel, limit)
        : this.statements.newestBefore.all(channel, toSqliteId(options.before, 'before'), limit);
    const messages: APIMessage[] = new Array<APIMessage>(rows.length);
    // Rows come newest first (the index walk that makes LIMIT cheap); the caller wants oldest first.
    // The json column holds only what putMessages wrote from messages it checked, so it is not
    // parsed again on the read that paints a channel.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- see above: our own rows
    for (let i = 0; i < rows.length; i++) messages[rows.length - 1 - i] = JSON.parse(readJsonColumn(rows[i]));
    if (rows.length > 0) this.statements.touchChannelIfCached.run(channel);
    return messages;
  }

  /**
   * Inserts or replaces messages of one channel (a page from the server, or a live create/update
   * event), then evicts down to the size bound. A message whose channel_id is not `channelId` is
   * a caller bug and throws before anything is written.
   */
  putMessages(channelId: string, messages: readonly CacheableMessage[]): void {
    const channel = toSqliteId(channelId, 'channelId');
    const rows = messages.map((message) => {
      if (message.channel_id !== channelId) {
        throw new RangeError(`message ${message.id} belongs to channel ${message.channel_id}, not ${channelId}`);
      }
      const json = JSON.stringify(message);
      return { id: toSqliteId(message.id, 'message id'), json, sizeBytes: Buffer.byteLength(json, 'utf8') + ROW_OVERHEAD_BYTES };
    });
    this.db.transaction(() => {
      for (const row of rows) this.statements.upsert.run(row.id, channel, row.json, row.sizeBytes);
      if (rows.length > 0) this.statements.touchChannel.run(channel);
      this.evictToBound();
    })();
  }

  deleteMessages(channelId: string, messageIds: readonly string[]): void {
    const channel = toSqliteId(channelId, 'channelId');
    const ids = messageIds.map((id) => toSqliteId(id, 'message id'));
    this.db.transaction(() => {
      for (const id of ids) this.statements.deleteOne.run(id, channel);
      this.statements.dropChannelIfEmpty.run(channel, channel);
    })();
  }

  stats(): CacheStats {
    const totals = this.readTotals();
    const channels = this.statements.channelCount.get();
    return {
      sizeBytes: totals.sizeBytes,
      maxBytes: this.maxBytesValue,
      messageCount: totals.messageCount,
      channelCount: typeof channels === 'number' ? channels : 0,
    };
  }

  /** Changes the bound; a lower bound evicts at once and gives the freed pages back to the disk. */
  setMaxBytes(maxBytes: number): CacheStats {
    this.maxBytesValue = checkMaxBytes(maxBytes);
    const evicted = this.db.transaction(() => this.evictToBound())();
    if (evicted > 0) this.db.pragma('incremental_vacuum');
    return this.stats();
  }

  /**
   * Wipes the cache (logout). Deleting rows would leave message text in free pages and the WAL,
   * so this closes the database, deletes the file and its -wal/-shm, and starts a fresh one.
   */
  clear(): void {
    this.db.close();
    removeDatabaseFiles(this.options.filePath);
    this.open();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private open(): void {
    const { filePath } = this.options;
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    const db = new Database(filePath);
    try {
      if (readUserVersion(db) === 0 && isEmptyDatabase(db)) {
        // Only settable before the first table exists; lets setMaxBytes return space to the disk.
        db.pragma('auto_vacuum = INCREMENTAL');
      }
      db.pragma('journal_mode = WAL');
      // A cache may lose its last writes on power loss; it may not be corrupted. NORMAL gives that.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 2000');
      db.pragma(`journal_size_limit = ${32 * 1024 * 1024}`);
      migrateMessageCache(db);
      this.statements = prepareStatements(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
  }

  private readTotals(): { sizeBytes: number; messageCount: number } {
    const row = this.statements.totals.get();
    if (!isRecord(row) || typeof row.size_bytes !== 'number' || typeof row.message_count !== 'number') {
      throw new Error('message cache: cache_totals row is missing (file damaged?)');
    }
    return { sizeBytes: row.size_bytes, messageCount: row.message_count };
  }

  /** Runs inside the caller's transaction. Returns how many rows it deleted. */
  private evictToBound(): number {
    let evicted = 0;
    let excessBytes = this.readTotals().sizeBytes - this.maxBytesValue;
    while (excessBytes > 0) {
      const channel = this.statements.leastRecentlyUsedChannel.get();
      if (typeof channel !== 'bigint') throw new Error(`message cache: ${excessBytes} bytes over the bound but no channel to evict`);
      const oldest = this.statements.oldestOfChannel.all(channel, EVICTION_BATCH_ROWS);
      let freedBytes = 0;
      let lastId: bigint | null = null;
      let taken = 0;
      for (const row of oldest) {
        if (!isRecord(row) || typeof row.id !== 'bigint' || typeof row.size_bytes !== 'bigint') continue;
        freedBytes += Number(row.size_bytes);
        lastId = row.id;
        taken++;
        if (freedBytes >= excessBytes) break;
      }
      if (lastId === null) throw new Error(`message cache: channel ${channel} is listed but has no rows to evict`);
      this.statements.deleteChannelUpTo.run(channel, lastId);
      this.statements.dropChannelIfEmpty.run(channel, channel);
      evicted += taken;
      excessBytes = this.readTotals().sizeBytes - this.maxBytesValue;
    }
    return evicted;
  }
}

function prepareStatements(db: SqliteDatabase): Statements {
  return {
    upsert: db.prepare(
      `INSERT INTO messages (id, channel_id, json, size_bytes) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET channel_id = excluded.channel_id, json = excluded.json, size_bytes = excluded.size_bytes`,
    ),
    touchChannel: db.prepare(
      `INSERT INTO channels (channel_id, last_used_seq) VALUES (?, (SELECT COALESCE(MAX(last_used_seq), 0) + 1 FROM channels))
       ON CONFLICT (channel_id) DO UPDATE SET last_used_seq = excluded.last_used_seq`,
    ),
    touchChannelIfCached: db.prepare(
      `UPDATE channels SET last_used_seq = (SELECT MAX(last_used_seq) + 1 FROM channels) WHERE channel_id = ?`,
    ),
    newest: db.prepare(`SELECT json FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT ?`),
    newestBefore: db.prepare(`SELECT json FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?`),
    deleteOne: db.prepare(`DELETE FROM messages WHERE id = ? AND channel_id = ?`),
    dropChannelIfEmpty: db.prepare(
      `DELETE FROM channels WHERE channel_id = ? AND NOT EXISTS (SELECT 1 FROM messages WHERE channel_id = ?)`,
    ),
    totals: db.prepare(`SELECT size_bytes, message_count FROM cache_totals WHERE id = 1`),
    channelCount: db.prepare(`SELECT COUNT(*) FROM channels`).pluck(),
    // Ids are read back as BigInt: Number would round snowflakes above 2^53.
    leastRecentlyUsedChannel: db.prepare(`SELECT channel_id FROM channels ORDER BY last_used_seq, channel_id LIMIT 1`).pluck().safeIntegers(true),
    oldestOfChannel: db.prepare(`SELECT id, size_bytes FROM messages WHERE channel_id = ? ORDER BY id LIMIT ?`).safeIntegers(true),
    deleteChannelUpTo: db.prepare(`DELETE FROM messages WHERE channel_id = ? AND id <= ?`),
  };
}

/**
 * Snowflakes are stored as INTEGER so SQLite orders them numerically. SQLite integers are signed
 * 64-bit; every snowflake issued before 2084 fits, and anything else is rejected here rather than
 * silently wrapped. Leading zeros are rejected so the stored integer round-trips to the same text.
 */
export function toSqliteId(id: string, what: string): bigint {
  if (!SNOWFLAKE_PATTERN.test(id)) throw new RangeError(`${what} is not a snowflake: ${JSON.stringify(id.slice(0, 32))}`);
  const value = BigInt(id);
  if (value > INT64_MAX) throw new RangeError(`${what} ${id} does not fit a signed 64-bit integer`);
  return value;
}

function readJsonColumn(row: unknown): string {
  if (!isRecord(row) || typeof row.json !== 'string') throw new Error('message cache: row without a json column');
  return row.json;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isEmptyDatabase(db: SqliteDatabase): boolean {
  return db.prepare(`SELECT COUNT(*) FROM sqlite_schema`).pluck().get() === 0;
}

function checkMaxBytes(maxBytes: number): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  return maxBytes;
}

export function removeDatabaseFiles(filePath: string): void {
  if (filePath === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(filePath + suffix, { force: true });
}
