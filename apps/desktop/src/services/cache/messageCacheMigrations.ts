// The message cache's schema history. Each migration runs once, in order, inside a transaction
// that also bumps `PRAGMA user_version`, so a file is always at exactly one known version. Never
// edit a migration that has shipped: files written by it exist on users' disks (the v1 fixture in
// ./fixtures is one); add a new one instead.
import type { Database } from 'better-sqlite3';

export interface CacheMigration {
  readonly version: number;
  readonly description: string;
  up(db: Database): void;
}

/**
 * What one cached row is charged beyond its JSON bytes: the integer key, the channel id and the
 * (channel_id, id) index entry. Frozen at 32 because migration 2 back-filled rows with it.
 */
export const ROW_OVERHEAD_BYTES = 32;

export const MESSAGE_CACHE_MIGRATIONS: readonly CacheMigration[] = [
  {
    version: 1,
    description: 'messages keyed by snowflake (INTEGER, so ordering is numeric), indexed by channel',
    up(db) {
      db.exec(`
        CREATE TABLE messages (
          id INTEGER PRIMARY KEY,
          channel_id INTEGER NOT NULL,
          json TEXT NOT NULL
        );
        CREATE INDEX messages_by_channel ON messages (channel_id, id);
      `);
    },
  },
  {
    version: 2,
    description: 'per-row size and a running total maintained by triggers, for the size bound',
    up(db) {
      db.exec(`
        ALTER TABLE messages ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;
        UPDATE messages SET size_bytes = length(CAST(json AS BLOB)) + ${ROW_OVERHEAD_BYTES};

        CREATE TABLE cache_totals (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          size_bytes INTEGER NOT NULL,
          message_count INTEGER NOT NULL
        );
        INSERT INTO cache_totals (id, size_bytes, message_count)
          SELECT 1, COALESCE(SUM(size_bytes), 0), COUNT(*) FROM messages;

        CREATE TRIGGER messages_total_after_insert AFTER INSERT ON messages BEGIN
          UPDATE cache_totals SET size_bytes = size_bytes + NEW.size_bytes, message_count = message_count + 1 WHERE id = 1;
        END;
        CREATE TRIGGER messages_total_after_delete AFTER DELETE ON messages BEGIN
          UPDATE cache_totals SET size_bytes = size_bytes - OLD.size_bytes, message_count = message_count - 1 WHERE id = 1;
        END;
        CREATE TRIGGER messages_total_after_update AFTER UPDATE OF size_bytes ON messages BEGIN
          UPDATE cache_totals SET size_bytes = size_bytes - OLD.size_bytes + NEW.size_bytes WHERE id = 1;
        END;
      `);
    },
  },
  {
    version: 3,
    description: 'channel recency (a logical clock) so eviction empties the least recently used channel first',
    up(db) {
      // Channels already cached by v1/v2 have no recorded use; they start equally old (0) and the
      // lowest channel id breaks the tie, which is as good a guess as any.
      db.exec(`
        CREATE TABLE channels (
          channel_id INTEGER PRIMARY KEY,
          last_used_seq INTEGER NOT NULL
        );
        CREATE INDEX channels_by_recency ON channels (last_used_seq, channel_id);
        INSERT INTO channels (channel_id, last_used_seq) SELECT DISTINCT channel_id, 0 FROM messages;
      `);
    },
  },
];

export const MESSAGE_CACHE_SCHEMA_VERSION = MESSAGE_CACHE_MIGRATIONS.at(-1)?.version ?? 0;

export class CacheSchemaTooNewError extends Error {
  override readonly name = 'CacheSchemaTooNewError';
  constructor(
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `message cache file is at schema v${fileVersion} but this build knows up to v${supportedVersion}; ` +
        'it was written by a newer Concord (the cache is disposable: delete it or upgrade)',
    );
  }
}

/** Brings `db` to the newest schema; returns the versions it applied (empty when up to date). */
export function migrateMessageCache(db: Database, migrations: readonly CacheMigration[] = MESSAGE_CACHE_MIGRATIONS): number[] {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = readUserVersion(db);
  if (current > latest) throw new CacheSchemaTooNewError(current, latest);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      // user_version lives in the file header, which is written inside this transaction.
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}

export function readUserVersion(db: Database): number {
  const version: unknown = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`PRAGMA user_version returned ${String(version)}`);
  return version;
}
