// Server boosts: each Nitro subscription carries boost slots (USER_PREMIUM_PERKS.includedBoosts);
// a member applies slots to a guild, the guild's premium_subscription_count and premium_tier follow
// (GUILD_UPDATE), the booster's premium_since is set (GUILD_MEMBER_UPDATE), and the system channel
// gets Discord's boost messages (type 8, or 9/10/11 when the boost reached a tier). Also the vanity
// invite of tier 3 guilds, kept as an ordinary never-expiring invite row so /invites/<code> works.
import { GUILD_TIER_PERKS, MessageType, PermissionFlags, type PremiumTier } from '@concord/protocol';
import { LOCAL_CACHES, covers, reloadTargets, type CacheFollower } from '../../bus/CacheInvalidation.ts';
import type { BoostRecord, PremiumStore } from '../../store/PremiumStore.ts';
import type { UserRecord } from '../../store/records.ts';
import { dispatch, requireGuildMember, requireGuildPermission, type DomainContext } from '../DomainContext.ts';
import { DomainError } from '../DomainError.ts';
import type { GuildState } from '../DomainState.ts';
import type { MessageService } from '../MessageService.ts';
import { newMessageRecord } from '../newMessageRecord.ts';
import { guildToAPI, memberToAPI, userToAPI } from '../serialize.ts';
import { guildPremiumTier } from './entitlement.ts';
import type { InstanceAudit } from './InstanceAudit.ts';

const TIER_MESSAGE: Record<Exclude<PremiumTier, 0>, number> = {
  1: MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_1,
  2: MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_2,
  3: MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_3,
};
const VANITY_CODE = /^[a-z0-9-]{2,32}$/;

export interface APIPremiumGuildSubscription {
  id: string;
  user_id: string;
  guild_id: string;
  ended: boolean;
  user?: ReturnType<typeof userToAPI>;
}

/** Discord's boost slot; here a slot and the subscription it makes share one id. */
export interface APIPremiumGuildSubscriptionSlot {
  id: string;
  subscription_id: string;
  premium_guild_subscription: APIPremiumGuildSubscription | null;
  canceled: boolean;
  cooldown_ends_at: string | null;
}

export class BoostService {
  /** Live slots by id (ended ones are gone). */
  private readonly slots = new Map<string, BoostRecord>();
  /** Called when a guild's tier moves (its emoji and sticker slots follow): set by the composition root. */
  onTierChange: ((g: GuildState) => void) | null = null;
  private caches: CacheFollower = LOCAL_CACHES;

  constructor(
    private readonly ctx: DomainContext,
    private readonly store: PremiumStore,
    private readonly messages: MessageService,
    private readonly audit: InstanceAudit,
  ) {}

  /** Loads the live slots and vanity codes and sets each guild's count and each booster's premium_since; run once at start. */
  async load(): Promise<void> {
    for (const b of await this.store.listLiveBoosts()) this.slots.set(b.id, b);
    for (const v of await this.store.listVanityCodes()) {
      const g = this.ctx.state.guilds.get(v.guild_id);
      if (g) g.guild.vanity_url_code = v.code;
    }
    const guilds = new Set<string>();
    for (const b of this.slots.values()) if (b.guild_id) guilds.add(b.guild_id);
    for (const id of guilds) await this.recompute(id, { announce: false });
  }

  /**
   * On a cluster bus: a user's slots and a guild's vanity code written on another node are re-read
   * from the store; the guilds those slots were or are applied to get their count, tier and
   * members' premium_since recomputed here, announcing nothing (the writer did).
   */
  followCluster(caches: CacheFollower): void {
    this.caches = caches;
    caches.onReload('boosts', async (userIds) => {
      const stored = (await this.store.listLiveBoosts()).filter((b) => covers(userIds, b.user_id));
      const guilds = new Set<string>();
      for (const [id, b] of this.slots) {
        if (!covers(userIds, b.user_id)) continue;
        if (b.guild_id) guilds.add(b.guild_id);
        this.slots.delete(id);
      }
      for (const b of stored) {
        this.slots.set(b.id, b);
        if (b.guild_id) guilds.add(b.guild_id);
      }
      for (const id of guilds) await this.recompute(id, { announce: false, follower: true });
    });
    caches.onReload('vanity', async (guildIds) => {
      const stored = new Map((await this.store.listVanityCodes()).filter((v) => covers(guildIds, v.guild_id)).map((v) => [v.guild_id, v.code]));
      const held = [...this.ctx.state.guilds.values()].filter((g) => g.guild.vanity_url_code).map((g) => g.id);
      for (const id of reloadTargets(guildIds, held, stored.keys())) {
        const g = this.ctx.state.guilds.get(id);
        if (g) g.guild.vanity_url_code = stored.get(id) ?? null;
      }
    });
  }

  /** The guild's boost tier: the accessor for anything tier-gated (see entitlement.ts guildPremiumTier). */
  tierOf(guildId: string): PremiumTier {
    const g = this.ctx.state.guilds.get(guildId);
    return g ? guildPremiumTier(g.guild) : 0;
  }

  listSlots(actor: UserRecord): APIPremiumGuildSubscriptionSlot[] {
    return this.slotsOf(actor.id).map((b) => ({
      id: b.id,
      subscription_id: b.id,
      premium_guild_subscription: b.guild_id ? this.subscriptionToAPI(b) : null,
      canceled: false,
      cooldown_ends_at: null,
    }));
  }

  listAll(): APIPremiumGuildSubscription[] {
    return [...this.slots.values()].filter((b) => b.guild_id !== null).map((b) => this.subscriptionToAPI(b, true));
  }

  listGuildBoosts(actor: UserRecord, guildId: string): APIPremiumGuildSubscription[] {
    requireGuildMember(this.ctx, guildId, actor);
    return [...this.slots.values()].filter((b) => b.guild_id === guildId).map((b) => this.subscriptionToAPI(b, true));
  }

  /** PUT /guilds/:id/premium/subscriptions: applies the actor's slots (moving them from another guild if applied there). */
  async boost(actor: UserRecord, guildId: string, slotIds: readonly string[]): Promise<APIPremiumGuildSubscription[]> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const unique = [...new Set(slotIds)];
    const bad = unique.findIndex((id) => this.slots.get(id)?.user_id !== actor.id);
    if (unique.length === 0 || bad >= 0) {
      throw DomainError.fieldError('user_premium_guild_subscription_slot_ids', 'INVALID_SLOT', unique.length === 0 ? 'Must be 1 or more in length.' : `Unknown boost slot ${unique[bad]}.`);
    }
    const now = Date.now();
    const touched = new Set<string>([guildId]);
    const applied: BoostRecord[] = [];
    await this.caches.write('boosts', actor.id, async () => {
      for (const id of unique) {
        const slot = this.slots.get(id)!;
        if (slot.guild_id === guildId) continue;
        if (!(await this.store.assignBoost(id, guildId, now))) throw new DomainError('UnknownPremiumGuildSubscription');
        if (slot.guild_id) touched.add(slot.guild_id);
        const before = slot.guild_id;
        slot.guild_id = guildId;
        slot.guild_since = now;
        applied.push(slot);
        await this.audit.record(actor.id, 'boost.add', guildId, { slot_id: id, guild_id: before }, { slot_id: id, guild_id: guildId });
      }
    });
    const tierBefore = guildPremiumTier(g.guild);
    for (const id of touched) await this.recompute(id, { announce: true });
    if (applied.length > 0) await this.postBoostMessage(g, actor, applied.length, tierBefore);
    return applied.map((b) => this.subscriptionToAPI(b));
  }

  /** DELETE /guilds/:id/premium/subscriptions/:subscription_id: frees one of the actor's boosts. */
  async unboost(actor: UserRecord, guildId: string, subscriptionId: string): Promise<void> {
    requireGuildMember(this.ctx, guildId, actor);
    const slot = this.slots.get(subscriptionId);
    if (slot?.user_id !== actor.id || slot.guild_id !== guildId) throw new DomainError('UnknownPremiumGuildSubscription');
    await this.caches.write('boosts', actor.id, async () => {
      await this.store.assignBoost(slot.id, null, Date.now());
      slot.guild_id = null;
      slot.guild_since = null;
    });
    await this.audit.record(actor.id, 'boost.remove', guildId, { slot_id: slot.id, guild_id: guildId }, { slot_id: slot.id, guild_id: null });
    await this.recompute(guildId, { announce: true });
  }

  /**
   * Makes the user hold `count` live slots: new ones are added; with fewer allowed (premium lost or
   * a plan without boosts) every slot ends, and so do the boosts they made.
   */
  async syncSlots(userId: string, count: number): Promise<void> {
    await this.caches.write('boosts', userId, () => this.syncSlotsNow(userId, count));
  }

  private async syncSlotsNow(userId: string, count: number): Promise<void> {
    const live = this.slotsOf(userId);
    if (live.length > count) {
      const ended = await this.store.endBoostsOfUser(userId, Date.now());
      const guilds = new Set<string>();
      for (const b of ended) {
        this.slots.delete(b.id);
        if (b.guild_id) {
          guilds.add(b.guild_id);
          await this.audit.record(null, 'boost.end', b.guild_id, { slot_id: b.id, user_id: userId, guild_id: b.guild_id }, null);
        }
      }
      for (const id of guilds) await this.recompute(id, { announce: true });
    }
    const now = Date.now();
    for (let i = this.slotsOf(userId).length; i < count; i++) {
      const slot: BoostRecord = { id: this.ctx.ids.next(), user_id: userId, guild_id: null, created_at: now, ended_at: null, guild_since: null };
      await this.store.insertBoost(slot);
      this.slots.set(slot.id, slot);
    }
  }

  async getVanity(actor: UserRecord, guildId: string): Promise<{ code: string | null; uses: number }> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    const code = g.guild.vanity_url_code ?? null;
    const invite = code ? await this.ctx.meta.findInvite(code) : null;
    return { code, uses: invite?.uses ?? 0 };
  }

  /** PATCH /guilds/:id/vanity-url: tier 3 only (50101 otherwise, as Discord); a taken code is 50020. */
  async setVanity(actor: UserRecord, guildId: string, code: string | null): Promise<{ code: string | null }> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    if (code !== null && !GUILD_TIER_PERKS[guildPremiumTier(g.guild)].vanityUrl) throw new DomainError('ServerNeedsMoreBoosts');
    const next = code === null || code === '' ? null : code.toLowerCase();
    if (next !== null && !VANITY_CODE.test(next)) throw DomainError.fieldError('code', 'INVALID_VANITY_URL', 'Must be 2-32 letters, digits or dashes.');
    const before = g.guild.vanity_url_code ?? null;
    if (next === before) return { code: before };
    await this.caches.write('vanity', guildId, async () => {
      if (next !== null) {
        const channelId = this.vanityChannel(g);
        if (await this.ctx.meta.findInvite(next)) throw new DomainError('InvalidInviteCode');
        if (!(await this.store.setVanityCode(guildId, next))) throw new DomainError('InvalidInviteCode');
        await this.ctx.meta.insertInvite({ code: next, guild_id: guildId, channel_id: channelId, inviter_id: null, max_age: 0, max_uses: 0, uses: 0, temporary: false, created_at: Date.now() });
      } else await this.store.setVanityCode(guildId, null);
      if (before !== null) await this.ctx.meta.deleteInvite(before);
      g.guild.vanity_url_code = next;
    });
    await this.audit.record(actor.id, 'vanity.update', guildId, { code: before }, { code: next });
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_UPDATE', guildToAPI(g));
    return { code: next };
  }

  private vanityChannel(g: GuildState): string {
    const system = g.guild.system_channel_id;
    if (system && this.ctx.state.channels.has(system)) return system;
    const first = g.sortedChannels().find((c) => c.type === 0);
    if (!first) throw new DomainError('UnknownChannel');
    return first.id;
  }

  private slotsOf(userId: string): BoostRecord[] {
    return [...this.slots.values()].filter((b) => b.user_id === userId);
  }

  private subscriptionToAPI(b: BoostRecord, withUser = false): APIPremiumGuildSubscription {
    const out: APIPremiumGuildSubscription = { id: b.id, user_id: b.user_id, guild_id: b.guild_id ?? '', ended: false };
    if (withUser) out.user = userToAPI(this.ctx.state.users.get(b.user_id));
    return out;
  }

  /** Count, tier and members' premium_since from the live slots; GUILD_UPDATE / GUILD_MEMBER_UPDATE on change. */
  private async recompute(guildId: string, o: { announce: boolean; follower?: boolean }): Promise<void> {
    const g = this.ctx.state.guilds.get(guildId);
    if (!g) return;
    const boosts = [...this.slots.values()].filter((b) => b.guild_id === guildId);
    const since = new Map<string, number>();
    for (const b of boosts) since.set(b.user_id, Math.min(since.get(b.user_id) ?? Infinity, b.guild_since ?? b.created_at));
    for (const m of g.members.values()) {
      const next = since.get(m.user_id) ?? null;
      if ((m.premium_since ?? null) === next) continue;
      m.premium_since = next;
      if (o.announce) dispatch(this.ctx, `g:${guildId}`, 'GUILD_MEMBER_UPDATE', { ...memberToAPI(m, this.ctx.state.users.get(m.user_id)), guild_id: guildId });
    }
    const countChanged = (g.guild.premium_subscription_count ?? 0) !== boosts.length;
    const tierBefore = guildPremiumTier(g.guild);
    g.guild.premium_subscription_count = boosts.length;
    // Below tier 3 the vanity invite stops working, as Discord's does when a guild loses the perk.
    // (Reloading another node's boosts, this node leaves that to the writer: its 'vanity' invalidation follows.)
    const code = g.guild.vanity_url_code;
    if (!o.follower && !GUILD_TIER_PERKS[guildPremiumTier(g.guild)].vanityUrl && code) {
      await this.caches.write('vanity', guildId, async () => {
        await this.ctx.meta.deleteInvite(code);
        await this.store.setVanityCode(guildId, null);
        g.guild.vanity_url_code = null;
      });
    }
    if (countChanged && o.announce) dispatch(this.ctx, `g:${guildId}`, 'GUILD_UPDATE', guildToAPI(g));
    if (o.announce && guildPremiumTier(g.guild) !== tierBefore) this.onTierChange?.(g);
  }

  private async postBoostMessage(g: GuildState, booster: UserRecord, count: number, tierBefore: PremiumTier): Promise<void> {
    const channelId = g.guild.system_channel_id;
    const channel = channelId ? this.ctx.state.channels.get(channelId) : undefined;
    if (!channel) return;
    const tierAfter = guildPremiumTier(g.guild);
    const type = tierAfter > tierBefore && tierAfter > 0 ? TIER_MESSAGE[tierAfter as Exclude<PremiumTier, 0>] : MessageType.USER_PREMIUM_GUILD_SUBSCRIPTION;
    // Discord's content for a boost message is the number of boosts applied when more than one.
    const record = newMessageRecord({ id: this.ctx.ids.next(), channel_id: channel.id, guild_id: g.id, author_id: booster.id, type, content: count > 1 ? String(count) : '' });
    await this.messages.persistAndAnnounce(record, channel, [], null);
  }
}

