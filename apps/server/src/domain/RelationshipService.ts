// Friends, friend requests and blocks (Discord's /users/@me/relationships), and the DM rules that
// depend on them: who may open a DM or add someone to a group DM, and who may message whom.
// Each user's side of a relationship lives in DomainState.relationships and in the store.
import { ChannelType, RelationshipType, type APIRelationship, type RelationshipTypeValue } from '@concord/protocol';
import { DomainError } from './DomainError.ts';
import type { ChannelRecord, RelationshipRecord, UserRecord } from '../store/records.ts';
import { dispatch, type DomainContext } from './DomainContext.ts';
import type { DomainState } from './DomainState.ts';
import { userToAPI } from './serialize.ts';

/** Discord's limit on friends and pending requests of one user. */
const MAX_RELATIONSHIPS = 1000;

type Pair = { user_id: string; target_id: string };

function relationshipToAPI(r: RelationshipRecord, state: DomainState): APIRelationship {
  return { id: r.target_id, type: r.type, user: userToAPI(state.users.get(r.target_id)), nickname: r.nickname, since: new Date(r.since).toISOString() };
}

/** A user's relationships as GET /users/@me/relationships and READY carry them. */
export function relationshipsToAPI(state: DomainState, userId: string): APIRelationship[] {
  return [...(state.relationships.get(userId)?.values() ?? [])].map((r) => relationshipToAPI(r, state));
}

function sharesGuild(state: DomainState, a: string, b: string): boolean {
  const mine = state.userGuilds.get(a);
  const theirs = state.userGuilds.get(b);
  if (!mine || !theirs) return false;
  const [small, large] = mine.size <= theirs.size ? [mine, theirs] : [theirs, mine];
  for (const id of small) if (large.has(id)) return true;
  return false;
}

const cannotMessage = () => new DomainError('CannotSendMessagesToUser');

/**
 * Opening a DM, or sending in one: never when either side has blocked the other, and only between
 * friends or people who share a server (Discord answers 50007 to both). Bots cannot be friends, so
 * for them this is the shared-server rule they always had.
 */
export function requireCanDirectMessage(state: DomainState, actorId: string, recipientId: string): void {
  if (state.relationshipType(recipientId, actorId) === RelationshipType.BLOCKED) throw cannotMessage();
  if (state.relationshipType(actorId, recipientId) === RelationshipType.BLOCKED) throw cannotMessage();
  if (state.relationshipType(actorId, recipientId) === RelationshipType.FRIEND) return;
  if (!sharesGuild(state, actorId, recipientId)) throw cannotMessage();
}

/** Whether userId has blocked otherId (otherId's messages then never count as mentions for userId). */
export function hasBlocked(state: DomainState, userId: string, otherId: string): boolean {
  return state.relationshipType(userId, otherId) === RelationshipType.BLOCKED;
}

/** Sending in a channel: for a DM, the DM rule against its other recipient; other channels pass. */
export function requireCanMessageIn(state: DomainState, actor: UserRecord, channel: ChannelRecord): void {
  if (channel.type !== ChannelType.DM) return;
  const other = channel.recipients.find((id) => id !== actor.id);
  if (other !== undefined) requireCanDirectMessage(state, actor.id, other);
}

/** Who a user may put in a group DM: only friends, as on Discord (bots: someone they share a server with). */
export function requireCanAddToGroupDM(state: DomainState, actor: UserRecord, userId: string): void {
  if (actor.bot) {
    if (state.relationshipType(userId, actor.id) === RelationshipType.BLOCKED || !sharesGuild(state, actor.id, userId)) throw cannotMessage();
    return;
  }
  if (state.relationshipType(actor.id, userId) !== RelationshipType.FRIEND) throw cannotMessage();
}

export class RelationshipService {
  constructor(private readonly ctx: DomainContext) {}

  private requireUserAccount(actor: UserRecord): void {
    if (actor.bot) throw new DomainError('BotsCannotUseEndpoint');
  }

  list(actor: UserRecord): APIRelationship[] {
    this.requireUserAccount(actor);
    return relationshipsToAPI(this.ctx.state, actor.id);
  }

  /** POST /users/@me/relationships: a friend request by username (and the legacy discriminator). */
  async sendRequestByUsername(actor: UserRecord, username: string, discriminator: string | number | null | undefined): Promise<void> {
    this.requireUserAccount(actor);
    const wanted = username.toLowerCase();
    const tag = discriminator == null ? null : String(discriminator).padStart(4, '0');
    let target: UserRecord | undefined;
    // A linear scan of the in-memory users: usernames of people are unique (case-insensitively).
    for (const u of this.ctx.state.users.values()) {
      if (!u.bot && u.username.toLowerCase() === wanted) {
        target = u;
        break;
      }
    }
    if (!target || (tag !== null && tag !== '0000' && target.discriminator.padStart(4, '0') !== tag)) {
      throw new DomainError('NoUsersWithDiscordTag');
    }
    await this.sendOrAccept(actor, target);
  }

  /** PUT /users/@me/relationships/:id: {} sends or accepts a request, {type: 2} blocks. */
  async put(actor: UserRecord, targetId: string, type: 1 | 2 | null | undefined): Promise<void> {
    this.requireUserAccount(actor);
    const target = this.ctx.state.users.get(targetId);
    if (!target) throw new DomainError('UnknownUser');
    if (type === RelationshipType.BLOCKED) await this.block(actor, target);
    else await this.sendOrAccept(actor, target);
  }

  private async sendOrAccept(actor: UserRecord, target: UserRecord): Promise<void> {
    const state = this.ctx.state;
    if (target.id === actor.id) throw new DomainError('CannotSendFriendRequestToSelf');
    if (target.bot) throw new DomainError('BotsCannotHaveFriends');
    if (state.relationshipType(target.id, actor.id) === RelationshipType.BLOCKED) throw new DomainError('FriendRequestBlocked');
    const mine = state.relationshipType(actor.id, target.id);
    if (mine === RelationshipType.FRIEND) throw new DomainError('AlreadyFriends');
    if (mine === RelationshipType.PENDING_OUTGOING) return;
    const now = Date.now();
    if (mine === RelationshipType.PENDING_INCOMING) {
      await this.write([this.row(actor.id, target.id, RelationshipType.FRIEND, now), this.row(target.id, actor.id, RelationshipType.FRIEND, now)], []);
      return;
    }
    // A request to someone one had blocked replaces the block, as in Discord's client.
    for (const id of [actor.id, target.id]) {
      const count = state.relationships.get(id)?.size ?? 0;
      if (count >= MAX_RELATIONSHIPS) throw new DomainError('MaxFriends', `Maximum number of friends reached (${MAX_RELATIONSHIPS})`);
    }
    await this.write([this.row(actor.id, target.id, RelationshipType.PENDING_OUTGOING, now), this.row(target.id, actor.id, RelationshipType.PENDING_INCOMING, now)], []);
  }

  /** Blocking ends a friendship or a pending request on both sides; the other side keeps its own block. */
  private async block(actor: UserRecord, target: UserRecord): Promise<void> {
    if (target.id === actor.id) throw DomainError.fieldError('user_id', 'RELATIONSHIP_INVALID_SELF', 'You cannot block yourself');
    const state = this.ctx.state;
    if (state.relationshipType(actor.id, target.id) === RelationshipType.BLOCKED) return;
    const theirs = state.relationshipType(target.id, actor.id);
    const removeTheirs = theirs !== undefined && theirs !== RelationshipType.BLOCKED;
    await this.write([this.row(actor.id, target.id, RelationshipType.BLOCKED, Date.now())], removeTheirs ? [{ user_id: target.id, target_id: actor.id }] : []);
  }

  /** DELETE /users/@me/relationships/:id: unfriend, cancel or decline a request, or unblock. */
  async remove(actor: UserRecord, targetId: string): Promise<void> {
    this.requireUserAccount(actor);
    const mine = this.ctx.state.relationshipType(actor.id, targetId);
    if (mine === undefined) return;
    const pairs: Pair[] = [{ user_id: actor.id, target_id: targetId }];
    // Only a block is one-sided; a friendship or request ends for both.
    if (mine !== RelationshipType.BLOCKED && this.ctx.state.relationshipType(targetId, actor.id) !== RelationshipType.BLOCKED) {
      pairs.push({ user_id: targetId, target_id: actor.id });
    }
    await this.write([], pairs);
  }

  private row(userId: string, targetId: string, type: RelationshipTypeValue, since: number): RelationshipRecord {
    return { user_id: userId, target_id: targetId, type, nickname: this.ctx.state.relationships.get(userId)?.get(targetId)?.nickname ?? null, since };
  }

  /** Stores the change, applies it to the in-memory state, and tells each side's sessions. */
  private async write(put: RelationshipRecord[], remove: Pair[]): Promise<void> {
    const state = this.ctx.state;
    await this.ctx.meta.writeRelationships(put, remove);
    for (const p of remove) {
      const before = state.relationships.get(p.user_id)?.get(p.target_id);
      if (!before) continue;
      state.removeRelationship(p.user_id, p.target_id);
      dispatch(this.ctx, `u:${p.user_id}`, 'RELATIONSHIP_REMOVE', { id: p.target_id, type: before.type });
    }
    for (const r of put) {
      state.setRelationship(r);
      dispatch(this.ctx, `u:${r.user_id}`, 'RELATIONSHIP_ADD', relationshipToAPI(r, state));
    }
  }
}
