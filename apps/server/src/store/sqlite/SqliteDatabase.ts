// Opens the one SQLite file (WAL) under DATA_DIR and brings its schema up to date. Migrations are
// an ordered list; PRAGMA user_version records how many have run.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type SqliteDb = Database.Database;

const MIGRATIONS: string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL, discriminator TEXT NOT NULL DEFAULT '0',
    global_name TEXT, avatar TEXT, email TEXT, password_hash TEXT, bot INTEGER NOT NULL DEFAULT 0,
    flags INTEGER NOT NULL DEFAULT 0, bio TEXT NOT NULL DEFAULT '', accent_color INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX users_username ON users(username COLLATE NOCASE) WHERE bot = 0;
  CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE) WHERE email IS NOT NULL;
  CREATE TABLE tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE INDEX tokens_user ON tokens(user_id);
  CREATE TABLE guilds (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, icon TEXT, description TEXT, owner_id TEXT NOT NULL,
    system_channel_id TEXT, afk_channel_id TEXT, afk_timeout INTEGER NOT NULL DEFAULT 300,
    verification_level INTEGER NOT NULL DEFAULT 0, default_message_notifications INTEGER NOT NULL DEFAULT 0,
    explicit_content_filter INTEGER NOT NULL DEFAULT 0, preferred_locale TEXT NOT NULL DEFAULT 'en-US',
    created_at INTEGER NOT NULL
  );
  CREATE TABLE roles (
    id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, name TEXT NOT NULL, color INTEGER NOT NULL DEFAULT 0,
    hoist INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0, permissions TEXT NOT NULL,
    managed INTEGER NOT NULL DEFAULT 0, mentionable INTEGER NOT NULL DEFAULT 0, icon TEXT,
    unicode_emoji TEXT, bot_id TEXT
  );
  CREATE INDEX roles_guild ON roles(guild_id);
  CREATE TABLE channels (
    id TEXT PRIMARY KEY, type INTEGER NOT NULL, guild_id TEXT, name TEXT, topic TEXT,
    position INTEGER NOT NULL DEFAULT 0, parent_id TEXT, nsfw INTEGER NOT NULL DEFAULT 0,
    rate_limit_per_user INTEGER NOT NULL DEFAULT 0, bitrate INTEGER, user_limit INTEGER,
    last_message_id TEXT, last_pin_timestamp TEXT, owner_id TEXT, icon TEXT,
    overwrites TEXT NOT NULL DEFAULT '[]', recipients TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX channels_guild ON channels(guild_id);
  CREATE TABLE members (
    guild_id TEXT NOT NULL, user_id TEXT NOT NULL, nick TEXT, avatar TEXT, joined_at INTEGER NOT NULL,
    deaf INTEGER NOT NULL DEFAULT 0, mute INTEGER NOT NULL DEFAULT 0, communication_disabled_until INTEGER,
    flags INTEGER NOT NULL DEFAULT 0, roles TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (guild_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX members_user ON members(user_id);
  CREATE TABLE bans (guild_id TEXT NOT NULL, user_id TEXT NOT NULL, reason TEXT, PRIMARY KEY (guild_id, user_id)) WITHOUT ROWID;
  CREATE TABLE invites (
    code TEXT PRIMARY KEY, guild_id TEXT, channel_id TEXT NOT NULL, inviter_id TEXT,
    max_age INTEGER NOT NULL, max_uses INTEGER NOT NULL, uses INTEGER NOT NULL DEFAULT 0,
    temporary INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
  );
  CREATE INDEX invites_guild ON invites(guild_id);
  CREATE INDEX invites_channel ON invites(channel_id);
  CREATE TABLE read_states (
    user_id TEXT NOT NULL, channel_id TEXT NOT NULL, last_message_id TEXT, mention_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel_id)
  ) WITHOUT ROWID;
  CREATE TABLE follows (source_channel_id TEXT NOT NULL, target_channel_id TEXT NOT NULL, webhook_id TEXT NOT NULL,
    PRIMARY KEY (source_channel_id, target_channel_id)) WITHOUT ROWID;
  -- Messages: ids are snowflakes stored as INTEGER so that ordering and range scans are numeric.
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL, guild_id TEXT, author_id TEXT NOT NULL,
    type INTEGER NOT NULL DEFAULT 0, content TEXT NOT NULL DEFAULT '', edited_at INTEGER,
    tts INTEGER NOT NULL DEFAULT 0, mention_everyone INTEGER NOT NULL DEFAULT 0,
    mentions TEXT, mention_roles TEXT, attachments TEXT, embeds TEXT, components TEXT,
    pinned INTEGER NOT NULL DEFAULT 0, pinned_at INTEGER, flags INTEGER NOT NULL DEFAULT 0,
    reference TEXT, webhook_id TEXT, application_id TEXT, nonce TEXT, author_override TEXT, interaction TEXT
  );
  CREATE INDEX messages_channel ON messages(channel_id, id);
  CREATE INDEX messages_pinned ON messages(channel_id, pinned_at) WHERE pinned = 1;
  CREATE TABLE reactions (
    message_id INTEGER NOT NULL, emoji TEXT NOT NULL, user_id TEXT NOT NULL, channel_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL, PRIMARY KEY (message_id, emoji, user_id)
  ) WITHOUT ROWID;
  `,
  // Bot platform: applications, application commands, webhooks, audit log, auto moderation.
  `
  CREATE TABLE applications (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, bot_user_id TEXT, data TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE INDEX applications_owner ON applications(owner_id);
  CREATE UNIQUE INDEX applications_bot ON applications(bot_user_id) WHERE bot_user_id IS NOT NULL;
  CREATE TABLE application_commands (
    id TEXT PRIMARY KEY, application_id TEXT NOT NULL, guild_id TEXT, name TEXT NOT NULL, type INTEGER NOT NULL,
    data TEXT NOT NULL, version TEXT NOT NULL
  );
  CREATE UNIQUE INDEX application_commands_name ON application_commands(application_id, IFNULL(guild_id, ''), type, name);
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY, type INTEGER NOT NULL, guild_id TEXT NOT NULL, channel_id TEXT NOT NULL, creator_id TEXT,
    name TEXT NOT NULL, avatar TEXT, token TEXT, application_id TEXT
  );
  CREATE INDEX webhooks_channel ON webhooks(channel_id);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY, guild_id TEXT NOT NULL, user_id TEXT, target_id TEXT, action_type INTEGER NOT NULL,
    changes TEXT NOT NULL, options TEXT, reason TEXT
  );
  CREATE INDEX audit_log_guild ON audit_log(guild_id, id);
  CREATE TABLE automod_rules (id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, data TEXT NOT NULL);
  `,
  // Relationships: friends, pending requests, blocks (one row per side; see RelationshipRecord).
  `
  CREATE TABLE relationships (
    user_id TEXT NOT NULL, target_id TEXT NOT NULL, type INTEGER NOT NULL, nickname TEXT, since INTEGER NOT NULL,
    PRIMARY KEY (user_id, target_id)
  ) WITHOUT ROWID;
  `,
  // Custom emoji and stickers per guild (issue 21). `roles` is a JSON array of role ids; the image or
  // sticker file is in the content-addressed AttachmentStore under its SHA-256; a message's stickers
  // are kept with it as a JSON array of {id, name, format_type}.
  `
  CREATE TABLE emojis (
    id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, name TEXT NOT NULL, animated INTEGER NOT NULL,
    available INTEGER NOT NULL DEFAULT 1, roles TEXT NOT NULL DEFAULT '[]', user_id TEXT, created_at INTEGER NOT NULL,
    image_sha256 TEXT NOT NULL, image_type TEXT NOT NULL
  );
  CREATE INDEX emojis_by_guild ON emojis (guild_id);
  CREATE TABLE stickers (
    id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, tags TEXT NOT NULL,
    format_type INTEGER NOT NULL, available INTEGER NOT NULL DEFAULT 1, user_id TEXT, created_at INTEGER NOT NULL,
    file_sha256 TEXT NOT NULL
  );
  CREATE INDEX stickers_by_guild ON stickers (guild_id);
  ALTER TABLE messages ADD COLUMN sticker_items TEXT;
  `,
  // Premium (issue 21): grants from the billing port, boosts (a boost with guild_id NULL is an unused
  // slot), the instance administrators' audit trail, vanity invites and profile banners.
  `
  CREATE TABLE premium_grants (
    user_id TEXT PRIMARY KEY, premium_type INTEGER NOT NULL, provider TEXT NOT NULL, granted_by TEXT,
    expires_at INTEGER, created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE guild_boosts (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, guild_id TEXT, created_at INTEGER NOT NULL, ended_at INTEGER,
    guild_since INTEGER
  );
  CREATE INDEX guild_boosts_by_guild ON guild_boosts (guild_id);
  CREATE INDEX guild_boosts_by_user ON guild_boosts (user_id);
  CREATE TABLE instance_audit (
    id TEXT PRIMARY KEY, actor_id TEXT, action TEXT NOT NULL, target_id TEXT, data TEXT NOT NULL, created_at INTEGER NOT NULL
  );
  ALTER TABLE guilds ADD COLUMN vanity_url_code TEXT;
  CREATE UNIQUE INDEX guilds_by_vanity ON guilds (vanity_url_code) WHERE vanity_url_code IS NOT NULL;
  ALTER TABLE users ADD COLUMN banner TEXT;
  `,
  // DM calls (issue 19): a CALL message keeps its call as JSON {participants, ended_at}.
  `
  ALTER TABLE messages ADD COLUMN call TEXT;
  `,
];

export function openSqlite(dataDir: string, synchronous: 'normal' | 'full' = 'normal', fileName = 'concord.db'): SqliteDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed write survives a crash or kill of the process (it is in the
  // WAL before the HTTP answer); only an OS crash or power loss can lose the last commits.
  // FULL (SQLITE_SYNCHRONOUS=full) also fsyncs every commit.
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: SqliteDb): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * Group commit: writes queued in the same turn of the event loop run in one transaction, committed
 * before any of their promises resolve (so an HTTP answer still comes after its write is in the
 * WAL). Under load this turns one commit per message into one commit per batch. If a batch fails,
 * its writes are retried one by one so that one bad write cannot fail the others.
 */
export class WriteBatcher {
  private queue: { fn: () => void; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: SqliteDb) {}

  run(fn: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ fn, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      this.db.transaction(() => {
        for (const w of batch) w.fn();
      })();
      for (const w of batch) w.resolve();
    } catch {
      for (const w of batch) {
        try {
          this.db.transaction(w.fn)();
          w.resolve();
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }
}
