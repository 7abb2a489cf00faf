// The PostgreSQL schema of every store but messages, as an ordered list: a migration, once shipped,
// is never edited; a change is a new entry at the end (PostgresDatabase records which have run).
// Ids are snowflakes kept as TEXT, except where the stores page by id (audit logs: BIGINT, so order
// is numeric); times are epoch milliseconds in BIGINT; lists of ids are TEXT[]; nested records are
// JSONB. Case-insensitive uniqueness folds ASCII only (lower(... COLLATE "C")), as SQLite's NOCASE.

export interface PostgresMigration {
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'metadata',
    sql: `
    CREATE TABLE users (
      id TEXT PRIMARY KEY, username TEXT NOT NULL, discriminator TEXT NOT NULL DEFAULT '0',
      global_name TEXT, avatar TEXT, email TEXT, password_hash TEXT, bot BOOLEAN NOT NULL DEFAULT false,
      flags BIGINT NOT NULL DEFAULT 0, bio TEXT NOT NULL DEFAULT '', accent_color INTEGER,
      created_at BIGINT NOT NULL,
      banner TEXT
    );
    CREATE UNIQUE INDEX users_username ON users (lower(username COLLATE "C")) WHERE NOT bot;
    CREATE UNIQUE INDEX users_email ON users (lower(email COLLATE "C")) WHERE email IS NOT NULL;
    CREATE TABLE tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at BIGINT NOT NULL);
    CREATE INDEX tokens_user ON tokens (user_id);
    CREATE TABLE guilds (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, icon TEXT, description TEXT, owner_id TEXT NOT NULL,
      system_channel_id TEXT, afk_channel_id TEXT, afk_timeout INTEGER NOT NULL DEFAULT 300,
      verification_level INTEGER NOT NULL DEFAULT 0, default_message_notifications INTEGER NOT NULL DEFAULT 0,
      explicit_content_filter INTEGER NOT NULL DEFAULT 0, preferred_locale TEXT NOT NULL DEFAULT 'en-US',
      created_at BIGINT NOT NULL,
      vanity_url_code TEXT
    );
    -- One vanity code per instance, whatever its case: a concurrent claim fails on this index.
    CREATE UNIQUE INDEX guilds_by_vanity ON guilds (lower(vanity_url_code COLLATE "C")) WHERE vanity_url_code IS NOT NULL;
    -- Permission bitfields: NUMERIC(20,0) holds any unsigned 64-bit value (BIGINT stops at 2^63 - 1).
    CREATE TABLE roles (
      id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, name TEXT NOT NULL, color INTEGER NOT NULL DEFAULT 0,
      hoist BOOLEAN NOT NULL DEFAULT false, position INTEGER NOT NULL DEFAULT 0, permissions NUMERIC(20, 0) NOT NULL,
      managed BOOLEAN NOT NULL DEFAULT false, mentionable BOOLEAN NOT NULL DEFAULT false, icon TEXT,
      unicode_emoji TEXT, bot_id TEXT
    );
    CREATE INDEX roles_guild ON roles (guild_id);
    CREATE TABLE channels (
      id TEXT PRIMARY KEY, type INTEGER NOT NULL, guild_id TEXT, name TEXT, topic TEXT,
      position INTEGER NOT NULL DEFAULT 0, parent_id TEXT, nsfw BOOLEAN NOT NULL DEFAULT false,
      rate_limit_per_user INTEGER NOT NULL DEFAULT 0, bitrate INTEGER, user_limit INTEGER,
      last_message_id TEXT, last_pin_timestamp TEXT, owner_id TEXT, icon TEXT,
      overwrites JSONB NOT NULL DEFAULT '[]', recipients TEXT[] NOT NULL DEFAULT '{}'
    );
    CREATE INDEX channels_guild ON channels (guild_id);
    CREATE TABLE members (
      guild_id TEXT NOT NULL, user_id TEXT NOT NULL, nick TEXT, avatar TEXT, joined_at BIGINT NOT NULL,
      deaf BOOLEAN NOT NULL DEFAULT false, mute BOOLEAN NOT NULL DEFAULT false, communication_disabled_until BIGINT,
      flags INTEGER NOT NULL DEFAULT 0, roles TEXT[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (guild_id, user_id)
    );
    CREATE INDEX members_user ON members (user_id);
    CREATE TABLE bans (guild_id TEXT NOT NULL, user_id TEXT NOT NULL, reason TEXT, PRIMARY KEY (guild_id, user_id));
    CREATE TABLE invites (
      code TEXT PRIMARY KEY, guild_id TEXT, channel_id TEXT NOT NULL, inviter_id TEXT,
      max_age INTEGER NOT NULL, max_uses INTEGER NOT NULL, uses INTEGER NOT NULL DEFAULT 0,
      temporary BOOLEAN NOT NULL DEFAULT false, created_at BIGINT NOT NULL
    );
    CREATE INDEX invites_guild ON invites (guild_id, created_at);
    CREATE INDEX invites_channel ON invites (channel_id, created_at);
    CREATE TABLE read_states (
      user_id TEXT NOT NULL, channel_id TEXT NOT NULL, last_message_id TEXT, mention_count INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (user_id, channel_id)
    );
    CREATE INDEX read_states_channel ON read_states (channel_id);
    CREATE TABLE follows (
      source_channel_id TEXT NOT NULL, target_channel_id TEXT NOT NULL, webhook_id TEXT NOT NULL,
      PRIMARY KEY (source_channel_id, target_channel_id)
    );
    CREATE TABLE relationships (
      user_id TEXT NOT NULL, target_id TEXT NOT NULL, type SMALLINT NOT NULL CHECK (type BETWEEN 1 AND 4),
      nickname TEXT, since BIGINT NOT NULL,
      PRIMARY KEY (user_id, target_id)
    );
    `,
  },
  {
    name: 'bot platform',
    sql: `
    CREATE TABLE applications (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, bot_user_id TEXT, data JSONB NOT NULL, created_at BIGINT NOT NULL);
    CREATE INDEX applications_owner ON applications (owner_id);
    CREATE UNIQUE INDEX applications_bot ON applications (bot_user_id) WHERE bot_user_id IS NOT NULL;
    CREATE TABLE application_commands (
      id TEXT PRIMARY KEY, application_id TEXT NOT NULL, guild_id TEXT, name TEXT NOT NULL, type INTEGER NOT NULL,
      data JSONB NOT NULL, version TEXT NOT NULL
    );
    CREATE UNIQUE INDEX application_commands_name ON application_commands (application_id, COALESCE(guild_id, ''), type, name);
    CREATE TABLE webhooks (
      id TEXT PRIMARY KEY, type INTEGER NOT NULL, guild_id TEXT NOT NULL, channel_id TEXT NOT NULL, creator_id TEXT,
      name TEXT NOT NULL, avatar TEXT, token TEXT, application_id TEXT
    );
    CREATE INDEX webhooks_channel ON webhooks (channel_id);
    CREATE TABLE audit_log (
      id BIGINT PRIMARY KEY, guild_id TEXT NOT NULL, user_id TEXT, target_id TEXT, action_type INTEGER NOT NULL,
      changes JSONB NOT NULL, options JSONB, reason TEXT
    );
    CREATE INDEX audit_log_guild ON audit_log (guild_id, id);
    CREATE TABLE automod_rules (id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, data JSONB NOT NULL);
    `,
  },
  {
    name: 'expressions and premium',
    sql: `
    CREATE TABLE emojis (
      id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, name TEXT NOT NULL, animated BOOLEAN NOT NULL,
      available BOOLEAN NOT NULL DEFAULT true, roles TEXT[] NOT NULL DEFAULT '{}', user_id TEXT, created_at BIGINT NOT NULL,
      image_sha256 TEXT NOT NULL, image_type TEXT NOT NULL
    );
    CREATE INDEX emojis_by_guild ON emojis (guild_id);
    CREATE TABLE stickers (
      id TEXT PRIMARY KEY, guild_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, tags TEXT NOT NULL,
      format_type INTEGER NOT NULL, available BOOLEAN NOT NULL DEFAULT true, user_id TEXT, created_at BIGINT NOT NULL,
      file_sha256 TEXT NOT NULL
    );
    CREATE INDEX stickers_by_guild ON stickers (guild_id);
    CREATE TABLE premium_grants (
      user_id TEXT PRIMARY KEY, premium_type INTEGER NOT NULL, provider TEXT NOT NULL, granted_by TEXT,
      expires_at BIGINT, created_at BIGINT NOT NULL
    );
    CREATE TABLE guild_boosts (
      id TEXT PRIMARY KEY, user_id TEXT NOT NULL, guild_id TEXT, created_at BIGINT NOT NULL, ended_at BIGINT,
      guild_since BIGINT
    );
    CREATE INDEX guild_boosts_by_guild ON guild_boosts (guild_id);
    CREATE INDEX guild_boosts_by_user ON guild_boosts (user_id) WHERE ended_at IS NULL;
    CREATE TABLE instance_audit (
      id BIGINT PRIMARY KEY, actor_id TEXT, action TEXT NOT NULL, target_id TEXT, data JSONB NOT NULL, created_at BIGINT NOT NULL
    );
    `,
  },
];
