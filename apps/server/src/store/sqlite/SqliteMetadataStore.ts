// MetadataStore on SQLite. Statements are prepared once; rows map to records in one place each.
import type { MetadataSnapshot, MetadataStore } from '../MetadataStore.ts';
import type {
  BanRecord,
  ChannelRecord,
  FollowRecord,
  GuildRecord,
  InviteRecord,
  MemberRecord,
  ReadStateRecord,
  RelationshipRecord,
  RoleRecord,
  UserRecord,
} from '../records.ts';
import { WriteBatcher, type SqliteDb } from './SqliteDatabase.ts';
import { strOrNull, type Row, type SqlValue } from './sqliteRow.ts';


const str = (v: SqlValue | undefined): string => String(v);
const numOrNull = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function userFromRow(r: Row): UserRecord {
  return {
    id: str(r['id']),
    username: str(r['username']),
    discriminator: str(r['discriminator']),
    global_name: strOrNull(r['global_name']),
    avatar: strOrNull(r['avatar']),
    email: strOrNull(r['email']),
    password_hash: strOrNull(r['password_hash']),
    bot: r['bot'] === 1,
    flags: Number(r['flags']),
    bio: str(r['bio']),
    accent_color: numOrNull(r['accent_color']),
    created_at: Number(r['created_at']),
  };
}

function guildFromRow(r: Row): GuildRecord {
  return {
    id: str(r['id']),
    name: str(r['name']),
    icon: strOrNull(r['icon']),
    description: strOrNull(r['description']),
    owner_id: str(r['owner_id']),
    system_channel_id: strOrNull(r['system_channel_id']),
    afk_channel_id: strOrNull(r['afk_channel_id']),
    afk_timeout: Number(r['afk_timeout']),
    verification_level: Number(r['verification_level']),
    default_message_notifications: Number(r['default_message_notifications']),
    explicit_content_filter: Number(r['explicit_content_filter']),
    preferred_locale: str(r['preferred_locale']),
    created_at: Number(r['created_at']),
  };
}

function roleFromRow(r: Row): RoleRecord {
  return {
    id: str(r['id']),
    guild_id: str(r['guild_id']),
    name: str(r['name']),
    color: Number(r['color']),
    hoist: r['hoist'] === 1,
    position: Number(r['position']),
    permissions: BigInt(str(r['permissions'])),
    managed: r['managed'] === 1,
    mentionable: r['mentionable'] === 1,
    icon: strOrNull(r['icon']),
    unicode_emoji: strOrNull(r['unicode_emoji']),
    bot_id: strOrNull(r['bot_id']),
  };
}

function channelFromRow(r: Row): ChannelRecord {
  const overwrites = JSON.parse(str(r['overwrites'])) as { id: string; type: 0 | 1; allow: string; deny: string }[];
  return {
    id: str(r['id']),
    type: Number(r['type']),
    guild_id: strOrNull(r['guild_id']),
    name: strOrNull(r['name']),
    topic: strOrNull(r['topic']),
    position: Number(r['position']),
    parent_id: strOrNull(r['parent_id']),
    nsfw: r['nsfw'] === 1,
    rate_limit_per_user: Number(r['rate_limit_per_user']),
    bitrate: numOrNull(r['bitrate']),
    user_limit: numOrNull(r['user_limit']),
    last_message_id: strOrNull(r['last_message_id']),
    last_pin_timestamp: strOrNull(r['last_pin_timestamp']),
    owner_id: strOrNull(r['owner_id']),
    icon: strOrNull(r['icon']),
    overwrites: overwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) })),
    recipients: JSON.parse(str(r['recipients'])) as string[],
  };
}

function memberFromRow(r: Row): MemberRecord {
  return {
    guild_id: str(r['guild_id']),
    user_id: str(r['user_id']),
    nick: strOrNull(r['nick']),
    avatar: strOrNull(r['avatar']),
    joined_at: Number(r['joined_at']),
    deaf: r['deaf'] === 1,
    mute: r['mute'] === 1,
    communication_disabled_until: numOrNull(r['communication_disabled_until']),
    flags: Number(r['flags']),
    roles: JSON.parse(str(r['roles'])) as string[],
  };
}

function inviteFromRow(r: Row): InviteRecord {
  return {
    code: str(r['code']),
    guild_id: strOrNull(r['guild_id']),
    channel_id: str(r['channel_id']),
    inviter_id: strOrNull(r['inviter_id']),
    max_age: Number(r['max_age']),
    max_uses: Number(r['max_uses']),
    uses: Number(r['uses']),
    temporary: r['temporary'] === 1,
    created_at: Number(r['created_at']),
  };
}

function relationshipFromRow(r: Row): RelationshipRecord {
  const type = Number(r['type']);
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) throw new Error(`relationships row ${str(r['user_id'])}->${str(r['target_id'])} has unknown type ${type}`);
  return { user_id: str(r['user_id']), target_id: str(r['target_id']), type, nickname: strOrNull(r['nickname']), since: Number(r['since']) };
}

const b = (v: boolean) => (v ? 1 : 0);

export class SqliteMetadataStore implements MetadataStore {
  private readonly s;
  private readonly byId = new Map<string, ReturnType<SqliteDb['prepare']>>();

  constructor(
    private readonly db: SqliteDb,
    private readonly writes: WriteBatcher = new WriteBatcher(db),
  ) {
    this.s = {
      insertUser: db.prepare(
        `INSERT INTO users (id, username, discriminator, global_name, avatar, email, password_hash, bot, flags, bio, accent_color, created_at)
         VALUES (@id, @username, @discriminator, @global_name, @avatar, @email, @password_hash, @bot, @flags, @bio, @accent_color, @created_at)`,
      ),
      updateUser: db.prepare(
        `UPDATE users SET username=@username, discriminator=@discriminator, global_name=@global_name, avatar=@avatar, email=@email,
         password_hash=@password_hash, flags=@flags, bio=@bio, accent_color=@accent_color WHERE id=@id`,
      ),
      findUserByLogin: db.prepare(`SELECT * FROM users WHERE bot = 0 AND (username = ? COLLATE NOCASE OR email = ? COLLATE NOCASE) LIMIT 1`),
      insertToken: db.prepare(`INSERT INTO tokens (hash, user_id, created_at) VALUES (?, ?, ?)`),
      findToken: db.prepare(`SELECT user_id FROM tokens WHERE hash = ?`),
      deleteToken: db.prepare(`DELETE FROM tokens WHERE hash = ?`),
      deleteTokensOfUser: db.prepare(`DELETE FROM tokens WHERE user_id = ?`),
      upsertGuild: db.prepare(
        // An upsert, not INSERT OR REPLACE: a replaced row would lose the columns this port does not
        // own (vanity_url_code belongs to the premium store).
        `INSERT INTO guilds (id, name, icon, description, owner_id, system_channel_id, afk_channel_id, afk_timeout,
         verification_level, default_message_notifications, explicit_content_filter, preferred_locale, created_at)
         VALUES (@id, @name, @icon, @description, @owner_id, @system_channel_id, @afk_channel_id, @afk_timeout,
         @verification_level, @default_message_notifications, @explicit_content_filter, @preferred_locale, @created_at)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, icon = excluded.icon, description = excluded.description,
         owner_id = excluded.owner_id, system_channel_id = excluded.system_channel_id, afk_channel_id = excluded.afk_channel_id,
         afk_timeout = excluded.afk_timeout, verification_level = excluded.verification_level,
         default_message_notifications = excluded.default_message_notifications,
         explicit_content_filter = excluded.explicit_content_filter, preferred_locale = excluded.preferred_locale`,
      ),
      upsertRole: db.prepare(
        `INSERT OR REPLACE INTO roles (id, guild_id, name, color, hoist, position, permissions, managed, mentionable, icon, unicode_emoji, bot_id)
         VALUES (@id, @guild_id, @name, @color, @hoist, @position, @permissions, @managed, @mentionable, @icon, @unicode_emoji, @bot_id)`,
      ),
      deleteRole: db.prepare(`DELETE FROM roles WHERE id = ? AND guild_id = ?`),
      upsertChannel: db.prepare(
        `INSERT OR REPLACE INTO channels (id, type, guild_id, name, topic, position, parent_id, nsfw, rate_limit_per_user, bitrate, user_limit,
         last_message_id, last_pin_timestamp, owner_id, icon, overwrites, recipients)
         VALUES (@id, @type, @guild_id, @name, @topic, @position, @parent_id, @nsfw, @rate_limit_per_user, @bitrate, @user_limit,
         @last_message_id, @last_pin_timestamp, @owner_id, @icon, @overwrites, @recipients)`,
      ),
      deleteChannel: db.prepare(`DELETE FROM channels WHERE id = ?`),
      setLastMessageId: db.prepare(`UPDATE channels SET last_message_id = ? WHERE id = ?`),
      upsertMember: db.prepare(
        `INSERT OR REPLACE INTO members (guild_id, user_id, nick, avatar, joined_at, deaf, mute, communication_disabled_until, flags, roles)
         VALUES (@guild_id, @user_id, @nick, @avatar, @joined_at, @deaf, @mute, @communication_disabled_until, @flags, @roles)`,
      ),
      deleteMember: db.prepare(`DELETE FROM members WHERE guild_id = ? AND user_id = ?`),
      putBan: db.prepare(`INSERT OR REPLACE INTO bans (guild_id, user_id, reason) VALUES (?, ?, ?)`),
      deleteBan: db.prepare(`DELETE FROM bans WHERE guild_id = ? AND user_id = ?`),
      insertInvite: db.prepare(
        `INSERT INTO invites (code, guild_id, channel_id, inviter_id, max_age, max_uses, uses, temporary, created_at)
         VALUES (@code, @guild_id, @channel_id, @inviter_id, @max_age, @max_uses, @uses, @temporary, @created_at)`,
      ),
      findInvite: db.prepare(`SELECT * FROM invites WHERE code = ?`),
      useInvite: db.prepare(
        `UPDATE invites SET uses = uses + 1 WHERE code = ? AND (max_uses = 0 OR uses < max_uses) AND (max_age = 0 OR created_at + max_age * 1000 > ?)`,
      ),
      deleteInvite: db.prepare(`DELETE FROM invites WHERE code = ?`),
      invitesByGuild: db.prepare(`SELECT * FROM invites WHERE guild_id = ? ORDER BY created_at`),
      invitesByChannel: db.prepare(`SELECT * FROM invites WHERE channel_id = ? ORDER BY created_at`),
      readStates: db.prepare(`SELECT * FROM read_states WHERE user_id = ?`),
      putReadState: db.prepare(
        `INSERT OR REPLACE INTO read_states (user_id, channel_id, last_message_id, mention_count) VALUES (?, ?, ?, ?)`,
      ),
      incrementMention: db.prepare(
        `INSERT INTO read_states (user_id, channel_id, last_message_id, mention_count) VALUES (?, ?, NULL, 1)
         ON CONFLICT (user_id, channel_id) DO UPDATE SET mention_count = mention_count + 1`,
      ),
      putFollow: db.prepare(`INSERT OR REPLACE INTO follows (source_channel_id, target_channel_id, webhook_id) VALUES (?, ?, ?)`),
      putRelationship: db.prepare(`INSERT OR REPLACE INTO relationships (user_id, target_id, type, nickname, since) VALUES (@user_id, @target_id, @type, @nickname, @since)`),
      deleteRelationship: db.prepare(`DELETE FROM relationships WHERE user_id = ? AND target_id = ?`),
    };
  }

  async loadSnapshot(): Promise<MetadataSnapshot> {
    const db = this.db;
    return {
      users: (db.prepare('SELECT * FROM users').all() as Row[]).map(userFromRow),
      guilds: (db.prepare('SELECT * FROM guilds').all() as Row[]).map(guildFromRow),
      roles: (db.prepare('SELECT * FROM roles').all() as Row[]).map(roleFromRow),
      channels: (db.prepare('SELECT * FROM channels').all() as Row[]).map(channelFromRow),
      members: (db.prepare('SELECT * FROM members').all() as Row[]).map(memberFromRow),
      bans: (db.prepare('SELECT * FROM bans').all() as Row[]).map((r) => ({ guild_id: str(r['guild_id']), user_id: str(r['user_id']), reason: strOrNull(r['reason']) })),
      follows: (db.prepare('SELECT * FROM follows').all() as Row[]).map((r) => ({
        source_channel_id: str(r['source_channel_id']),
        target_channel_id: str(r['target_channel_id']),
        webhook_id: str(r['webhook_id']),
      })),
      relationships: (db.prepare('SELECT * FROM relationships').all() as Row[]).map(relationshipFromRow),
    };
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    return this.one('SELECT * FROM users WHERE id = ?', [userId], userFromRow);
  }
  async getGuild(guildId: string): Promise<GuildRecord | null> {
    return this.one('SELECT * FROM guilds WHERE id = ?', [guildId], guildFromRow);
  }
  async getRole(guildId: string, roleId: string): Promise<RoleRecord | null> {
    return this.one('SELECT * FROM roles WHERE id = ? AND guild_id = ?', [roleId, guildId], roleFromRow);
  }
  async getChannel(channelId: string): Promise<ChannelRecord | null> {
    return this.one('SELECT * FROM channels WHERE id = ?', [channelId], channelFromRow);
  }
  async getMember(guildId: string, userId: string): Promise<MemberRecord | null> {
    return this.one('SELECT * FROM members WHERE guild_id = ? AND user_id = ?', [guildId, userId], memberFromRow);
  }
  async getBan(guildId: string, userId: string): Promise<BanRecord | null> {
    return this.one('SELECT * FROM bans WHERE guild_id = ? AND user_id = ?', [guildId, userId], (r) => ({ guild_id: str(r['guild_id']), user_id: str(r['user_id']), reason: strOrNull(r['reason']) }));
  }
  async getRelationship(userId: string, targetId: string): Promise<RelationshipRecord | null> {
    return this.one('SELECT * FROM relationships WHERE user_id = ? AND target_id = ?', [userId, targetId], relationshipFromRow);
  }
  /** Reads by id are rare (a contested write in a cluster): each statement is prepared on first use. */
  private one<T>(sql: string, params: SqlValue[], fromRow: (r: Row) => T): T | null {
    let statement = this.byId.get(sql);
    if (!statement) this.byId.set(sql, (statement = this.db.prepare(sql)));
    const row = statement.get(params) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async insertUser(user: UserRecord): Promise<void> {
    this.s.insertUser.run({ ...user, bot: b(user.bot) });
  }
  async updateUser(user: UserRecord): Promise<void> {
    this.s.updateUser.run({ ...user, bot: b(user.bot) });
  }
  async findUserByLogin(login: string): Promise<UserRecord | null> {
    const row = this.s.findUserByLogin.get(login, login) as Row | undefined;
    return row ? userFromRow(row) : null;
  }

  async insertToken(tokenHash: string, userId: string, createdAt: number): Promise<void> {
    this.s.insertToken.run(tokenHash, userId, createdAt);
  }
  async findUserIdByToken(tokenHash: string): Promise<string | null> {
    const row = this.s.findToken.get(tokenHash) as Row | undefined;
    return row ? str(row['user_id']) : null;
  }
  async deleteToken(tokenHash: string): Promise<void> {
    this.s.deleteToken.run(tokenHash);
  }
  async deleteTokensOfUser(userId: string): Promise<void> {
    this.s.deleteTokensOfUser.run(userId);
  }

  private roleParams(r: RoleRecord) {
    return { ...r, hoist: b(r.hoist), managed: b(r.managed), mentionable: b(r.mentionable), permissions: r.permissions.toString() };
  }
  private channelParams(c: ChannelRecord) {
    return {
      ...c,
      nsfw: b(c.nsfw),
      overwrites: JSON.stringify(c.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() }))),
      recipients: JSON.stringify(c.recipients),
    };
  }
  private memberParams(m: MemberRecord) {
    return { ...m, deaf: b(m.deaf), mute: b(m.mute), roles: JSON.stringify(m.roles) };
  }

  async createGuild(guild: GuildRecord, roles: RoleRecord[], channels: ChannelRecord[], owner: MemberRecord): Promise<void> {
    this.db.transaction(() => {
      this.s.upsertGuild.run(guild);
      for (const r of roles) this.s.upsertRole.run(this.roleParams(r));
      for (const c of channels) this.s.upsertChannel.run(this.channelParams(c));
      this.s.upsertMember.run(this.memberParams(owner));
    })();
  }
  async updateGuild(guild: GuildRecord): Promise<void> {
    this.s.upsertGuild.run(guild);
  }
  async deleteGuild(guildId: string): Promise<void> {
    const db = this.db;
    db.transaction(() => {
      const channelIds = (db.prepare('SELECT id FROM channels WHERE guild_id = ?').all(guildId) as Row[]).map((r) => str(r['id']));
      for (const id of channelIds) db.prepare('DELETE FROM read_states WHERE channel_id = ?').run(id);
      db.prepare('DELETE FROM channels WHERE guild_id = ?').run(guildId);
      db.prepare('DELETE FROM roles WHERE guild_id = ?').run(guildId);
      db.prepare('DELETE FROM members WHERE guild_id = ?').run(guildId);
      db.prepare('DELETE FROM bans WHERE guild_id = ?').run(guildId);
      db.prepare('DELETE FROM invites WHERE guild_id = ?').run(guildId);
      db.prepare('DELETE FROM guilds WHERE id = ?').run(guildId);
    })();
  }

  async upsertRole(role: RoleRecord): Promise<void> {
    this.s.upsertRole.run(this.roleParams(role));
  }
  async upsertRoles(roles: RoleRecord[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of roles) this.s.upsertRole.run(this.roleParams(r));
    })();
  }
  async deleteRole(guildId: string, roleId: string): Promise<void> {
    this.s.deleteRole.run(roleId, guildId);
  }

  async upsertChannel(channel: ChannelRecord): Promise<void> {
    this.s.upsertChannel.run(this.channelParams(channel));
  }
  async upsertChannels(channels: ChannelRecord[]): Promise<void> {
    this.db.transaction(() => {
      for (const c of channels) this.s.upsertChannel.run(this.channelParams(c));
    })();
  }
  async deleteChannel(channelId: string): Promise<void> {
    this.db.transaction(() => {
      this.s.deleteChannel.run(channelId);
      this.db.prepare('DELETE FROM invites WHERE channel_id = ?').run(channelId);
      this.db.prepare('DELETE FROM read_states WHERE channel_id = ?').run(channelId);
    })();
  }
  setLastMessageId(channelId: string, messageId: string): Promise<void> {
    return this.writes.run(() => {
      this.s.setLastMessageId.run(messageId, channelId);
    });
  }

  async upsertMember(member: MemberRecord): Promise<void> {
    this.s.upsertMember.run(this.memberParams(member));
  }
  async deleteMember(guildId: string, userId: string): Promise<void> {
    this.s.deleteMember.run(guildId, userId);
  }

  async putBan(ban: BanRecord): Promise<void> {
    this.s.putBan.run(ban.guild_id, ban.user_id, ban.reason);
  }
  async deleteBan(guildId: string, userId: string): Promise<void> {
    this.s.deleteBan.run(guildId, userId);
  }

  async insertInvite(invite: InviteRecord): Promise<void> {
    this.s.insertInvite.run({ ...invite, temporary: b(invite.temporary) });
  }
  async findInvite(code: string): Promise<InviteRecord | null> {
    const row = this.s.findInvite.get(code) as Row | undefined;
    return row ? inviteFromRow(row) : null;
  }
  async useInvite(code: string, nowMs: number): Promise<boolean> {
    return this.s.useInvite.run(code, nowMs).changes === 1;
  }
  async deleteInvite(code: string): Promise<void> {
    this.s.deleteInvite.run(code);
  }
  async listInvites(filter: { guildId?: string; channelId?: string }): Promise<InviteRecord[]> {
    const rows = filter.channelId ? this.s.invitesByChannel.all(filter.channelId) : this.s.invitesByGuild.all(filter.guildId ?? '');
    return (rows as Row[]).map(inviteFromRow);
  }

  async getReadStates(userId: string): Promise<ReadStateRecord[]> {
    return (this.s.readStates.all(userId) as Row[]).map((r) => ({
      user_id: str(r['user_id']),
      channel_id: str(r['channel_id']),
      last_message_id: strOrNull(r['last_message_id']),
      mention_count: Number(r['mention_count']),
    }));
  }
  putReadState(state: ReadStateRecord): Promise<void> {
    return this.writes.run(() => {
      this.s.putReadState.run(state.user_id, state.channel_id, state.last_message_id, state.mention_count);
    });
  }
  async incrementMentions(channelId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const ids = [...userIds];
    return this.writes.run(() => {
      for (const userId of ids) this.s.incrementMention.run(userId, channelId);
    });
  }

  async putFollow(follow: FollowRecord): Promise<void> {
    this.s.putFollow.run(follow.source_channel_id, follow.target_channel_id, follow.webhook_id);
  }

  async writeRelationships(put: readonly RelationshipRecord[], remove: readonly { user_id: string; target_id: string }[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of remove) this.s.deleteRelationship.run(r.user_id, r.target_id);
      for (const r of put) this.s.putRelationship.run(r);
    })();
  }

  close(): void {
    this.db.close();
  }
}
