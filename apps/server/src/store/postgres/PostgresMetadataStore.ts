// MetadataStore on PostgreSQL. Every write is one statement or one transaction, committed before its
// promise resolves (SQLite's group commit is not needed: the pool gives concurrency instead). The
// users.banner and guilds.vanity_url_code columns belong to the PremiumStore: no statement here
// writes them, so an updated guild keeps its vanity code.
import type { MetadataSnapshot, MetadataStore } from '../MetadataStore.ts';
import type {
  BanRecord,
  ChannelRecord,
  FollowRecord,
  GuildRecord,
  InviteRecord,
  MemberRecord,
  OverwriteRecord,
  ReadStateRecord,
  RelationshipRecord,
  RoleRecord,
  UserRecord,
} from '../records.ts';
import type { PgQueryable, PgRow, PostgresDatabase } from './PostgresDatabase.ts';
import { bigintOf, bool, int, intOrNull, json, text, textArray, textOrNull } from './pgRow.ts';

const USER_COLUMNS = 'id, username, discriminator, global_name, avatar, email, password_hash, bot, flags, bio, accent_color, created_at';

function userFromRow(r: PgRow): UserRecord {
  return {
    id: text(r, 'id'),
    username: text(r, 'username'),
    discriminator: text(r, 'discriminator'),
    global_name: textOrNull(r, 'global_name'),
    avatar: textOrNull(r, 'avatar'),
    email: textOrNull(r, 'email'),
    password_hash: textOrNull(r, 'password_hash'),
    bot: bool(r, 'bot'),
    flags: int(r, 'flags'),
    bio: text(r, 'bio'),
    accent_color: intOrNull(r, 'accent_color'),
    created_at: int(r, 'created_at'),
  };
}

function guildFromRow(r: PgRow): GuildRecord {
  return {
    id: text(r, 'id'),
    name: text(r, 'name'),
    icon: textOrNull(r, 'icon'),
    description: textOrNull(r, 'description'),
    owner_id: text(r, 'owner_id'),
    system_channel_id: textOrNull(r, 'system_channel_id'),
    afk_channel_id: textOrNull(r, 'afk_channel_id'),
    afk_timeout: int(r, 'afk_timeout'),
    verification_level: int(r, 'verification_level'),
    default_message_notifications: int(r, 'default_message_notifications'),
    explicit_content_filter: int(r, 'explicit_content_filter'),
    preferred_locale: text(r, 'preferred_locale'),
    created_at: int(r, 'created_at'),
  };
}

function roleFromRow(r: PgRow): RoleRecord {
  return {
    id: text(r, 'id'),
    guild_id: text(r, 'guild_id'),
    name: text(r, 'name'),
    color: int(r, 'color'),
    hoist: bool(r, 'hoist'),
    position: int(r, 'position'),
    permissions: bigintOf(r, 'permissions'),
    managed: bool(r, 'managed'),
    mentionable: bool(r, 'mentionable'),
    icon: textOrNull(r, 'icon'),
    unicode_emoji: textOrNull(r, 'unicode_emoji'),
    bot_id: textOrNull(r, 'bot_id'),
  };
}

/** Overwrites as this adapter writes them: allow/deny as decimal strings (JSON has no 64-bit integers). */
interface StoredOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

function overwritesFrom(r: PgRow): OverwriteRecord[] {
  const stored = json(r, 'overwrites');
  if (!Array.isArray(stored)) throw new Error(`PostgreSQL row: channel ${text(r, 'id')} overwrites is not an array`);
  return (stored as StoredOverwrite[]).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
}

function channelFromRow(r: PgRow): ChannelRecord {
  return {
    id: text(r, 'id'),
    type: int(r, 'type'),
    guild_id: textOrNull(r, 'guild_id'),
    name: textOrNull(r, 'name'),
    topic: textOrNull(r, 'topic'),
    position: int(r, 'position'),
    parent_id: textOrNull(r, 'parent_id'),
    nsfw: bool(r, 'nsfw'),
    rate_limit_per_user: int(r, 'rate_limit_per_user'),
    bitrate: intOrNull(r, 'bitrate'),
    user_limit: intOrNull(r, 'user_limit'),
    last_message_id: textOrNull(r, 'last_message_id'),
    last_pin_timestamp: textOrNull(r, 'last_pin_timestamp'),
    owner_id: textOrNull(r, 'owner_id'),
    icon: textOrNull(r, 'icon'),
    overwrites: overwritesFrom(r),
    recipients: textArray(r, 'recipients'),
  };
}

function memberFromRow(r: PgRow): MemberRecord {
  return {
    guild_id: text(r, 'guild_id'),
    user_id: text(r, 'user_id'),
    nick: textOrNull(r, 'nick'),
    avatar: textOrNull(r, 'avatar'),
    joined_at: int(r, 'joined_at'),
    deaf: bool(r, 'deaf'),
    mute: bool(r, 'mute'),
    communication_disabled_until: intOrNull(r, 'communication_disabled_until'),
    flags: int(r, 'flags'),
    roles: textArray(r, 'roles'),
  };
}

function inviteFromRow(r: PgRow): InviteRecord {
  return {
    code: text(r, 'code'),
    guild_id: textOrNull(r, 'guild_id'),
    channel_id: text(r, 'channel_id'),
    inviter_id: textOrNull(r, 'inviter_id'),
    max_age: int(r, 'max_age'),
    max_uses: int(r, 'max_uses'),
    uses: int(r, 'uses'),
    temporary: bool(r, 'temporary'),
    created_at: int(r, 'created_at'),
  };
}

function relationshipFromRow(r: PgRow): RelationshipRecord {
  const type = int(r, 'type');
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) throw new Error(`relationships row ${text(r, 'user_id')}->${text(r, 'target_id')} has unknown type ${type}`);
  return { user_id: text(r, 'user_id'), target_id: text(r, 'target_id'), type, nickname: textOrNull(r, 'nickname'), since: int(r, 'since') };
}

function readStateFromRow(r: PgRow): ReadStateRecord {
  return { user_id: text(r, 'user_id'), channel_id: text(r, 'channel_id'), last_message_id: textOrNull(r, 'last_message_id'), mention_count: int(r, 'mention_count') };
}

const UPSERT_GUILD = `INSERT INTO guilds (id, name, icon, description, owner_id, system_channel_id, afk_channel_id, afk_timeout,
  verification_level, default_message_notifications, explicit_content_filter, preferred_locale, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, icon = excluded.icon, description = excluded.description,
  owner_id = excluded.owner_id, system_channel_id = excluded.system_channel_id, afk_channel_id = excluded.afk_channel_id,
  afk_timeout = excluded.afk_timeout, verification_level = excluded.verification_level,
  default_message_notifications = excluded.default_message_notifications, explicit_content_filter = excluded.explicit_content_filter,
  preferred_locale = excluded.preferred_locale, created_at = excluded.created_at`;
const guildParams = (g: GuildRecord) => [
  g.id, g.name, g.icon, g.description, g.owner_id, g.system_channel_id, g.afk_channel_id, g.afk_timeout,
  g.verification_level, g.default_message_notifications, g.explicit_content_filter, g.preferred_locale, g.created_at,
];

/** Several roles in one statement: each column as an array, unnested row by row. */
const UPSERT_ROLES = `INSERT INTO roles (id, guild_id, name, color, hoist, position, permissions, managed, mentionable, icon, unicode_emoji, bot_id)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bool[], $6::int[], $7::numeric[], $8::bool[], $9::bool[], $10::text[], $11::text[], $12::text[])
  ON CONFLICT (id) DO UPDATE SET guild_id = excluded.guild_id, name = excluded.name, color = excluded.color, hoist = excluded.hoist,
  position = excluded.position, permissions = excluded.permissions, managed = excluded.managed, mentionable = excluded.mentionable,
  icon = excluded.icon, unicode_emoji = excluded.unicode_emoji, bot_id = excluded.bot_id`;
const roleColumns = (rs: readonly RoleRecord[]) => [
  rs.map((r) => r.id), rs.map((r) => r.guild_id), rs.map((r) => r.name), rs.map((r) => r.color), rs.map((r) => r.hoist), rs.map((r) => r.position),
  rs.map((r) => r.permissions.toString()), rs.map((r) => r.managed), rs.map((r) => r.mentionable), rs.map((r) => r.icon), rs.map((r) => r.unicode_emoji), rs.map((r) => r.bot_id),
];

const UPSERT_CHANNEL = `INSERT INTO channels (id, type, guild_id, name, topic, position, parent_id, nsfw, rate_limit_per_user, bitrate, user_limit,
  last_message_id, last_pin_timestamp, owner_id, icon, overwrites, recipients)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17::text[])
  ON CONFLICT (id) DO UPDATE SET type = excluded.type, guild_id = excluded.guild_id, name = excluded.name, topic = excluded.topic,
  position = excluded.position, parent_id = excluded.parent_id, nsfw = excluded.nsfw, rate_limit_per_user = excluded.rate_limit_per_user,
  bitrate = excluded.bitrate, user_limit = excluded.user_limit, last_message_id = excluded.last_message_id,
  last_pin_timestamp = excluded.last_pin_timestamp, owner_id = excluded.owner_id, icon = excluded.icon,
  overwrites = excluded.overwrites, recipients = excluded.recipients`;
const channelParams = (c: ChannelRecord) => [
  c.id, c.type, c.guild_id, c.name, c.topic, c.position, c.parent_id, c.nsfw, c.rate_limit_per_user, c.bitrate, c.user_limit,
  c.last_message_id, c.last_pin_timestamp, c.owner_id, c.icon,
  JSON.stringify(c.overwrites.map((o): StoredOverwrite => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() }))),
  c.recipients,
];

const UPSERT_MEMBER = `INSERT INTO members (guild_id, user_id, nick, avatar, joined_at, deaf, mute, communication_disabled_until, flags, roles)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[])
  ON CONFLICT (guild_id, user_id) DO UPDATE SET nick = excluded.nick, avatar = excluded.avatar, joined_at = excluded.joined_at,
  deaf = excluded.deaf, mute = excluded.mute, communication_disabled_until = excluded.communication_disabled_until,
  flags = excluded.flags, roles = excluded.roles`;
const memberParams = (m: MemberRecord) => [m.guild_id, m.user_id, m.nick, m.avatar, m.joined_at, m.deaf, m.mute, m.communication_disabled_until, m.flags, m.roles];

export class PostgresMetadataStore implements MetadataStore {
  /** The pool is shared with the other stores; whoever opened it closes it (see close()). */
  constructor(private readonly db: PostgresDatabase) {}

  async loadSnapshot(): Promise<MetadataSnapshot> {
    // One snapshot of the database: no write from another node lands between two of these reads.
    return this.db.transaction(async (tx) => {
      const all = (sql: string) => tx.query(sql);
      return {
        users: (await all(`SELECT ${USER_COLUMNS} FROM users ORDER BY id COLLATE "C"`)).map(userFromRow),
        guilds: (await all('SELECT * FROM guilds ORDER BY id COLLATE "C"')).map(guildFromRow),
        roles: (await all('SELECT * FROM roles ORDER BY id COLLATE "C"')).map(roleFromRow),
        channels: (await all('SELECT * FROM channels ORDER BY id COLLATE "C"')).map(channelFromRow),
        members: (await all('SELECT * FROM members ORDER BY guild_id COLLATE "C", user_id COLLATE "C"')).map(memberFromRow),
        bans: (await all('SELECT * FROM bans ORDER BY guild_id COLLATE "C", user_id COLLATE "C"')).map((r) => ({ guild_id: text(r, 'guild_id'), user_id: text(r, 'user_id'), reason: textOrNull(r, 'reason') })),
        follows: (await all('SELECT * FROM follows ORDER BY source_channel_id COLLATE "C", target_channel_id COLLATE "C"')).map((r) => ({
          source_channel_id: text(r, 'source_channel_id'),
          target_channel_id: text(r, 'target_channel_id'),
          webhook_id: text(r, 'webhook_id'),
        })),
        relationships: (await all('SELECT * FROM relationships ORDER BY user_id COLLATE "C", target_id COLLATE "C"')).map(relationshipFromRow),
      };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    return this.one(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId], userFromRow);
  }
  async getGuild(guildId: string): Promise<GuildRecord | null> {
    return this.one('SELECT * FROM guilds WHERE id = $1', [guildId], guildFromRow);
  }
  async getRole(guildId: string, roleId: string): Promise<RoleRecord | null> {
    return this.one('SELECT * FROM roles WHERE id = $1 AND guild_id = $2', [roleId, guildId], roleFromRow);
  }
  async getChannel(channelId: string): Promise<ChannelRecord | null> {
    return this.one('SELECT * FROM channels WHERE id = $1', [channelId], channelFromRow);
  }
  async getMember(guildId: string, userId: string): Promise<MemberRecord | null> {
    return this.one('SELECT * FROM members WHERE guild_id = $1 AND user_id = $2', [guildId, userId], memberFromRow);
  }
  async getBan(guildId: string, userId: string): Promise<BanRecord | null> {
    return this.one('SELECT * FROM bans WHERE guild_id = $1 AND user_id = $2', [guildId, userId], (r) => ({ guild_id: text(r, 'guild_id'), user_id: text(r, 'user_id'), reason: textOrNull(r, 'reason') }));
  }
  async getRelationship(userId: string, targetId: string): Promise<RelationshipRecord | null> {
    return this.one('SELECT * FROM relationships WHERE user_id = $1 AND target_id = $2', [userId, targetId], relationshipFromRow);
  }
  private async one<T>(sql: string, params: readonly unknown[], fromRow: (r: PgRow) => T): Promise<T | null> {
    const rows = await this.db.query(sql, params);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async insertUser(u: UserRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [u.id, u.username, u.discriminator, u.global_name, u.avatar, u.email, u.password_hash, u.bot, u.flags, u.bio, u.accent_color, u.created_at],
    );
  }
  async updateUser(u: UserRecord): Promise<void> {
    await this.db.execute(
      `UPDATE users SET username = $2, discriminator = $3, global_name = $4, avatar = $5, email = $6, password_hash = $7, flags = $8, bio = $9, accent_color = $10 WHERE id = $1`,
      [u.id, u.username, u.discriminator, u.global_name, u.avatar, u.email, u.password_hash, u.flags, u.bio, u.accent_color],
    );
  }
  async findUserByLogin(login: string): Promise<UserRecord | null> {
    // The expressions match the unique indexes users_username and users_email, which serve this lookup.
    const rows = await this.db.query(
      `SELECT ${USER_COLUMNS} FROM users WHERE NOT bot AND (lower(username COLLATE "C") = lower($1 COLLATE "C") OR lower(email COLLATE "C") = lower($1 COLLATE "C")) LIMIT 1`,
      [login],
    );
    return rows[0] ? userFromRow(rows[0]) : null;
  }

  async insertToken(tokenHash: string, userId: string, createdAt: number): Promise<void> {
    await this.db.execute('INSERT INTO tokens (hash, user_id, created_at) VALUES ($1, $2, $3)', [tokenHash, userId, createdAt]);
  }
  async findUserIdByToken(tokenHash: string): Promise<string | null> {
    const rows = await this.db.query('SELECT user_id FROM tokens WHERE hash = $1', [tokenHash]);
    return rows[0] ? text(rows[0], 'user_id') : null;
  }
  async deleteToken(tokenHash: string): Promise<void> {
    await this.db.execute('DELETE FROM tokens WHERE hash = $1', [tokenHash]);
  }
  async deleteTokensOfUser(userId: string): Promise<void> {
    await this.db.execute('DELETE FROM tokens WHERE user_id = $1', [userId]);
  }

  async createGuild(guild: GuildRecord, roles: RoleRecord[], channels: ChannelRecord[], owner: MemberRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(UPSERT_GUILD, guildParams(guild));
      await upsertRoles(tx, roles);
      for (const c of channels) await tx.execute(UPSERT_CHANNEL, channelParams(c));
      await tx.execute(UPSERT_MEMBER, memberParams(owner));
    });
  }
  async updateGuild(guild: GuildRecord): Promise<void> {
    await this.db.execute(UPSERT_GUILD, guildParams(guild));
  }
  async deleteGuild(guildId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM read_states WHERE channel_id IN (SELECT id FROM channels WHERE guild_id = $1)', [guildId]);
      await tx.execute('DELETE FROM channels WHERE guild_id = $1', [guildId]);
      await tx.execute('DELETE FROM roles WHERE guild_id = $1', [guildId]);
      await tx.execute('DELETE FROM members WHERE guild_id = $1', [guildId]);
      await tx.execute('DELETE FROM bans WHERE guild_id = $1', [guildId]);
      await tx.execute('DELETE FROM invites WHERE guild_id = $1', [guildId]);
      await tx.execute('DELETE FROM guilds WHERE id = $1', [guildId]);
    });
  }

  async upsertRole(role: RoleRecord): Promise<void> {
    await upsertRoles(this.db, [role]);
  }
  async upsertRoles(roles: RoleRecord[]): Promise<void> {
    await upsertRoles(this.db, roles);
  }
  async deleteRole(guildId: string, roleId: string): Promise<void> {
    await this.db.execute('DELETE FROM roles WHERE id = $1 AND guild_id = $2', [roleId, guildId]);
  }

  async upsertChannel(channel: ChannelRecord): Promise<void> {
    await this.db.execute(UPSERT_CHANNEL, channelParams(channel));
  }
  async upsertChannels(channels: ChannelRecord[]): Promise<void> {
    if (channels.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const c of channels) await tx.execute(UPSERT_CHANNEL, channelParams(c));
    });
  }
  async deleteChannel(channelId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM channels WHERE id = $1', [channelId]);
      await tx.execute('DELETE FROM invites WHERE channel_id = $1', [channelId]);
      await tx.execute('DELETE FROM read_states WHERE channel_id = $1', [channelId]);
    });
  }
  async setLastMessageId(channelId: string, messageId: string): Promise<void> {
    await this.db.execute('UPDATE channels SET last_message_id = $1 WHERE id = $2', [messageId, channelId]);
  }

  async upsertMember(member: MemberRecord): Promise<void> {
    await this.db.execute(UPSERT_MEMBER, memberParams(member));
  }
  async deleteMember(guildId: string, userId: string): Promise<void> {
    await this.db.execute('DELETE FROM members WHERE guild_id = $1 AND user_id = $2', [guildId, userId]);
  }

  async putBan(ban: BanRecord): Promise<void> {
    await this.db.execute('INSERT INTO bans (guild_id, user_id, reason) VALUES ($1, $2, $3) ON CONFLICT (guild_id, user_id) DO UPDATE SET reason = excluded.reason', [
      ban.guild_id,
      ban.user_id,
      ban.reason,
    ]);
  }
  async deleteBan(guildId: string, userId: string): Promise<void> {
    await this.db.execute('DELETE FROM bans WHERE guild_id = $1 AND user_id = $2', [guildId, userId]);
  }

  async insertInvite(i: InviteRecord): Promise<void> {
    await this.db.execute(
      'INSERT INTO invites (code, guild_id, channel_id, inviter_id, max_age, max_uses, uses, temporary, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [i.code, i.guild_id, i.channel_id, i.inviter_id, i.max_age, i.max_uses, i.uses, i.temporary, i.created_at],
    );
  }
  async findInvite(code: string): Promise<InviteRecord | null> {
    const rows = await this.db.query('SELECT * FROM invites WHERE code = $1', [code]);
    return rows[0] ? inviteFromRow(rows[0]) : null;
  }
  async useInvite(code: string, nowMs: number): Promise<boolean> {
    // One conditional UPDATE: two nodes using the last use of an invite at once cannot both get it.
    const changed = await this.db.execute(
      'UPDATE invites SET uses = uses + 1 WHERE code = $1 AND (max_uses = 0 OR uses < max_uses) AND (max_age = 0 OR created_at + max_age * 1000::bigint > $2)',
      [code, nowMs],
    );
    return changed === 1;
  }
  async deleteInvite(code: string): Promise<void> {
    await this.db.execute('DELETE FROM invites WHERE code = $1', [code]);
  }
  async listInvites(filter: { guildId?: string; channelId?: string }): Promise<InviteRecord[]> {
    const rows =
      filter.channelId !== undefined
        ? await this.db.query('SELECT * FROM invites WHERE channel_id = $1 ORDER BY created_at, code COLLATE "C"', [filter.channelId])
        : await this.db.query('SELECT * FROM invites WHERE guild_id = $1 ORDER BY created_at, code COLLATE "C"', [filter.guildId ?? '']);
    return rows.map(inviteFromRow);
  }

  async getReadStates(userId: string): Promise<ReadStateRecord[]> {
    return (await this.db.query('SELECT * FROM read_states WHERE user_id = $1 ORDER BY channel_id COLLATE "C"', [userId])).map(readStateFromRow);
  }
  async putReadState(s: ReadStateRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO read_states (user_id, channel_id, last_message_id, mention_count) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, channel_id) DO UPDATE SET last_message_id = excluded.last_message_id, mention_count = excluded.mention_count`,
      [s.user_id, s.channel_id, s.last_message_id, s.mention_count],
    );
  }
  async incrementMentions(channelId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    // One statement for all users; a user named twice gets two mentions (grouped: ON CONFLICT may touch a row once).
    await this.db.execute(
      `INSERT INTO read_states (user_id, channel_id, last_message_id, mention_count)
       SELECT u, $2, NULL, count(*) FROM unnest($1::text[]) AS u GROUP BY u
       ON CONFLICT (user_id, channel_id) DO UPDATE SET mention_count = read_states.mention_count + excluded.mention_count`,
      [[...userIds], channelId],
    );
  }

  async putFollow(f: FollowRecord): Promise<void> {
    await this.db.execute(
      'INSERT INTO follows (source_channel_id, target_channel_id, webhook_id) VALUES ($1, $2, $3) ON CONFLICT (source_channel_id, target_channel_id) DO UPDATE SET webhook_id = excluded.webhook_id',
      [f.source_channel_id, f.target_channel_id, f.webhook_id],
    );
  }

  async writeRelationships(put: readonly RelationshipRecord[], remove: readonly { user_id: string; target_id: string }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const r of remove) await tx.execute('DELETE FROM relationships WHERE user_id = $1 AND target_id = $2', [r.user_id, r.target_id]);
      for (const r of put) {
        await tx.execute(
          `INSERT INTO relationships (user_id, target_id, type, nickname, since) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (user_id, target_id) DO UPDATE SET type = excluded.type, nickname = excluded.nickname, since = excluded.since`,
          [r.user_id, r.target_id, r.type, r.nickname, r.since],
        );
      }
    });
  }

  /** Nothing to do: the pool is shared by every PostgreSQL store and closed by whoever opened it (openStores). */
  close(): void {
    // Intentionally empty (see above).
  }
}

async function upsertRoles(db: PgQueryable, roles: readonly RoleRecord[]): Promise<void> {
  if (roles.length === 0) return;
  // One statement may touch a row once: a role named twice in one call keeps its last version, as a loop would.
  const lastById = new Map(roles.map((r) => [r.id, r]));
  await db.execute(UPSERT_ROLES, roleColumns([...lastById.values()]));
}
