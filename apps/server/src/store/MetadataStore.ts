// Port for everything but messages: users, tokens, guilds, roles, channels, members, bans,
// invites, read states. SQLite implements it today; PostgreSQL is the cluster adapter.
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
} from './records.ts';

export interface MetadataSnapshot {
  users: UserRecord[];
  guilds: GuildRecord[];
  roles: RoleRecord[];
  channels: ChannelRecord[];
  members: MemberRecord[];
  bans: BanRecord[];
  follows: FollowRecord[];
  relationships: RelationshipRecord[];
}

export interface MetadataStore {
  /** Everything the in-memory domain state is built from at start. */
  loadSnapshot(): Promise<MetadataSnapshot>;

  /**
   * Reads by id: the record as committed, null when there is none. In a cluster two nodes can write
   * one record at once and reach the bus in the order opposite to their commits; StateReplicator
   * then re-reads the record so every node's memory ends on what the database holds.
   */
  getUser(userId: string): Promise<UserRecord | null>;
  getGuild(guildId: string): Promise<GuildRecord | null>;
  getRole(guildId: string, roleId: string): Promise<RoleRecord | null>;
  getChannel(channelId: string): Promise<ChannelRecord | null>;
  getMember(guildId: string, userId: string): Promise<MemberRecord | null>;
  getBan(guildId: string, userId: string): Promise<BanRecord | null>;
  /** One side of a relationship: `userId`'s row about `targetId`. */
  getRelationship(userId: string, targetId: string): Promise<RelationshipRecord | null>;

  insertUser(user: UserRecord): Promise<void>;
  updateUser(user: UserRecord): Promise<void>;
  findUserByLogin(login: string): Promise<UserRecord | null>;

  insertToken(tokenHash: string, userId: string, createdAt: number): Promise<void>;
  findUserIdByToken(tokenHash: string): Promise<string | null>;
  deleteToken(tokenHash: string): Promise<void>;
  deleteTokensOfUser(userId: string): Promise<void>;

  /** Creates a guild with its roles, channels and first member in one transaction. */
  createGuild(guild: GuildRecord, roles: RoleRecord[], channels: ChannelRecord[], owner: MemberRecord): Promise<void>;
  updateGuild(guild: GuildRecord): Promise<void>;
  deleteGuild(guildId: string): Promise<void>;

  upsertRole(role: RoleRecord): Promise<void>;
  upsertRoles(roles: RoleRecord[]): Promise<void>;
  deleteRole(guildId: string, roleId: string): Promise<void>;

  upsertChannel(channel: ChannelRecord): Promise<void>;
  upsertChannels(channels: ChannelRecord[]): Promise<void>;
  deleteChannel(channelId: string): Promise<void>;
  setLastMessageId(channelId: string, messageId: string): Promise<void>;

  upsertMember(member: MemberRecord): Promise<void>;
  deleteMember(guildId: string, userId: string): Promise<void>;

  putBan(ban: BanRecord): Promise<void>;
  deleteBan(guildId: string, userId: string): Promise<void>;

  insertInvite(invite: InviteRecord): Promise<void>;
  findInvite(code: string): Promise<InviteRecord | null>;
  /** Counts one use; returns false when the invite is used up or gone. */
  useInvite(code: string, nowMs: number): Promise<boolean>;
  deleteInvite(code: string): Promise<void>;
  listInvites(filter: { guildId?: string; channelId?: string }): Promise<InviteRecord[]>;

  getReadStates(userId: string): Promise<ReadStateRecord[]>;
  putReadState(state: ReadStateRecord): Promise<void>;
  /** Adds one mention to each user's read state of the channel. */
  incrementMentions(channelId: string, userIds: readonly string[]): Promise<void>;

  putFollow(follow: FollowRecord): Promise<void>;

  /**
   * One relationship change in one transaction: both sides' rows together (a request writes the
   * outgoing and the incoming row; a block writes one and removes the other side's).
   */
  writeRelationships(put: readonly RelationshipRecord[], remove: readonly { user_id: string; target_id: string }[]): Promise<void>;

  close(): void;
}
